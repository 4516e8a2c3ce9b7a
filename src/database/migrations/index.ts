import { InitialSchema1795887670422 } from './1795887670422-InitialSchema';

// Listed explicitly (not globbed) so the same list works compiled, under ts-node and under Jest.
export const MIGRATIONS = [InitialSchema1795887670422];
