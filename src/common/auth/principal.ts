import { PLATFORM_ADMIN } from './scopes';

/** The verified caller of a request, built from the token's claims. */
export class Principal {
  constructor(
    /** The token's `sub`: recorded as the actor of every change. */
    readonly subject: string,
    /** The tenant the token acts in. */
    readonly tenantId: string,
    readonly scopes: ReadonlySet<string>,
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
