import { InitialSchema1795887670422 } from './1795887670422-InitialSchema';
import { AssignmentQueryIndexes1795888280585 } from './1795888280585-AssignmentQueryIndexes';
import { AuditEvents1795889268883 } from './1795889268883-AuditEvents';
import { GroupAndTenantCounters1795890265447 } from './1795890265447-GroupAndTenantCounters';
import { EffectiveAccessIndex1796227773891 } from './1796227773891-EffectiveAccessIndex';
import { EffectiveAccessFill1796227773892 } from './1796227773892-EffectiveAccessFill';
import { AsyncDeletion1796233000000 } from './1796233000000-AsyncDeletion';
import { GroupMemberCountRemoved1796234000000 } from './1796234000000-GroupMemberCountRemoved';
import { ResourceVersions1796300000000 } from './1796300000000-ResourceVersions';
import { IdempotencyKeys1796300000001 } from './1796300000001-IdempotencyKeys';
import { ChangeEvents1796400000000 } from './1796400000000-ChangeEvents';
import { RebuildClaimLockOrder1796500000000 } from './1796500000000-RebuildClaimLockOrder';
import { SettingsThatSurvivePooling1796600000000 } from './1796600000000-SettingsThatSurvivePooling';

// Listed explicitly (not globbed) so the same list works compiled, under ts-node and under Jest.
export const MIGRATIONS = [
  InitialSchema1795887670422,
  AssignmentQueryIndexes1795888280585,
  AuditEvents1795889268883,
  GroupAndTenantCounters1795890265447,
  EffectiveAccessIndex1796227773891,
  EffectiveAccessFill1796227773892,
  AsyncDeletion1796233000000,
  GroupMemberCountRemoved1796234000000,
  ResourceVersions1796300000000,
  IdempotencyKeys1796300000001,
  ChangeEvents1796400000000,
  RebuildClaimLockOrder1796500000000,
  SettingsThatSurvivePooling1796600000000,
];
