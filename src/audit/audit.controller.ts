import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '../common/auth/decorators';
import { Scope } from '../common/auth/scopes';
import { Endpoint } from '../common/http/api-docs';
import { PaginatedResponseEnvelope } from '../common/http/envelopes';
import { Page } from '../common/http/page';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { AuditService } from './audit.service';
import { AuditEventResponse } from './dto/audit-event.dto';
import { ListAuditEventsQueryDto } from './dto/list-audit-events-query.dto';

@ApiTags('Audit')
@ApiBearerAuth()
@Controller('api/v1/tenants/:tenant_id/audit-events')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequireScopes(Scope.AuditRead)
  @Endpoint({
    summary: 'List Audit Events',
    description: 'Every successful change in the tenant, newest first; filter by action and by target.',
    status: 200,
    response: PaginatedResponseEnvelope(AuditEventResponse),
  })
  list(
    @Param('tenant_id', UuidParamPipe) tenantId: string,
    @Query() query: ListAuditEventsQueryDto,
  ): Promise<Page<AuditEventResponse>> {
    return this.audit.list(tenantId, query.toPageRequest(), {
      action: query.action,
      targetType: query.target_type,
      targetId: query.target_id,
    });
  }
}
