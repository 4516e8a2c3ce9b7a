import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiExtension, ApiTags } from '@nestjs/swagger';
import { RequireScopes, TenantId, TenantScoped } from '../common/auth/decorators';
import { Scope } from '../common/auth/scopes';
import { Endpoint } from '../common/http/api-docs';
import { ApiListResponseEnvelopeOf, ApiResponseEnvelope } from '../common/http/envelopes';
import { AccessChecksErrors } from './access-checks.errors';
import { AccessChecksService } from './access-checks.service';
import { AccessCheck, AccessCheckError, type AccessCheckOutcome } from './dto/access-check.dto';
import { AccessCheckBatchRequest, AccessCheckRequest, MAX_ACCESS_CHECKS } from './dto/access-check-request.dto';

/** The gateway's question, for one (user, application) pair or a batch of them. */
@ApiTags('Access Checks')
@TenantScoped()
@Controller('api/v1/tenants/:tenant_id')
export class AccessChecksController {
  constructor(private readonly checks: AccessChecksService) {}

  @Get('access-check')
  @RequireScopes(Scope.AccessCheck)
  @Endpoint({
    summary: 'Check Access',
    description:
      "Whether a user may use an application, directly or through which groups: the same answer as the user's applications. " +
      'Name the application by `application_id` or by its OAuth `client_id`, exactly one of them. One SQL statement.',
    status: 200,
    response: ApiResponseEnvelope(AccessCheck),
    errors: [AccessChecksErrors.userNotFound, AccessChecksErrors.applicationNotFound],
  })
  checkAccess(@TenantId() tenantId: string, @Query() query: AccessCheckRequest): Promise<AccessCheck> {
    return this.checks.check(tenantId, query);
  }

  @Post('access-checks')
  @RequireScopes(Scope.AccessCheck)
  @ApiExtension('x-read-only', true)
  @Endpoint({
    summary: 'Check Access In Batch',
    description:
      `**A read**: POST only to carry up to ${MAX_ACCESS_CHECKS} checks. It changes nothing, records no audit event and is safe to retry ` +
      '(no `Idempotency-Key` needed).\n\n' +
      'Answers every check in the order given, each as the single check would. A check whose user or application is unknown ' +
      'in the tenant is answered in its own item, `{"user_id", "application_id" or "client_id" as given, "error": {"status": 404, ' +
      '"detail"}}`; the batch itself is 200. One SQL statement for the whole batch.',
    status: 200,
    response: ApiListResponseEnvelopeOf('AccessCheckOutcome', [AccessCheck, AccessCheckError]),
  })
  checkAccessInBatch(@TenantId() tenantId: string, @Body() body: AccessCheckBatchRequest): Promise<AccessCheckOutcome[]> {
    return this.checks.checkMany(tenantId, body.checks);
  }
}
