import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequireScopes, TenantId, TenantScoped } from '../common/auth/decorators';
import { Scope } from '../common/auth/scopes';
import { Endpoint } from '../common/http/api-docs';
import { ReadConsistency, RequestConsistency } from '../common/http/consistency';
import { PaginatedResponseEnvelope } from '../common/http/envelopes';
import { Page } from '../common/http/page';
import { AuditService } from './audit.service';
import { AuditEventResponse } from './dto/audit-event.dto';
import { ListAuditEventsQueryDto } from './dto/list-audit-events-query.dto';

@ApiTags('Audit')
@TenantScoped()
@Controller('api/v1/tenants/:tenant_id/audit-events')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequireScopes(Scope.AuditRead)
  @Endpoint({
    summary: 'List Audit Events',
    replicaRead: true,
    description: 'Every successful change in the tenant, newest first; filter by action and by target.',
    status: 200,
    response: PaginatedResponseEnvelope(AuditEventResponse),
  })
  list(
    @TenantId() tenantId: string,
    @Query() query: ListAuditEventsQueryDto,
    @ReadConsistency() consistency: RequestConsistency,
  ): Promise<Page<AuditEventResponse>> {
    return this.audit.list(tenantId, query.toPageRequest(), query.toFilter(), consistency);
  }
}
