import type { RequestConsistency } from '../http/consistency';
import { PLATFORM_ADMIN } from './scopes';

/** Who makes a change and in which request: what the audit trail records with it. */
export interface Actor {
  /** The token's `sub`. */
  readonly subject: string;
  readonly requestId: string;
  /** Where the request's response learns the position its write committed at (its Consistency-Token); none outside a request. */
  readonly consistency?: RequestConsistency;
}

/** The verified caller of a request, built from the token's claims. */
export class Principal implements Actor {
  constructor(
    /** The token's `sub`: recorded as the actor of every change. */
    readonly subject: string,
    /** The tenant the token acts in; a platform admin's token may name none. */
    readonly tenantId: string | undefined,
    readonly scopes: ReadonlySet<string>,
    readonly requestId: string,
    readonly consistency?: RequestConsistency,
  ) {}

  get isPlatformAdmin(): boolean {
    return this.scopes.has(PLATFORM_ADMIN);
  }

  /** platform:admin acts in any tenant with every scope. */
  hasScope(scope: string): boolean {
    return this.isPlatformAdmin || this.scopes.has(scope);
  }

  canActIn(tenantId: string): boolean {
    return this.isPlatformAdmin || this.tenantId === tenantId;
  }
}
