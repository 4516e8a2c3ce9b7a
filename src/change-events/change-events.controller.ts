import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequireScopes, TenantId, TenantScoped } from '../common/auth/decorators';
import { Scope } from '../common/auth/scopes';
import { Endpoint } from '../common/http/api-docs';
import { PaginatedResponseEnvelope } from '../common/http/envelopes';
import { Page } from '../common/http/page';
import { TenantsErrors } from '../tenants/tenants.errors';
import { ChangeEventsService } from './change-events.service';
import { ChangeEventResponse } from './dto/change-event.dto';
import { ListChangeEventsQueryDto } from './dto/list-change-events-query.dto';

@ApiTags('Change Events')
@TenantScoped()
@Controller('api/v1/tenants/:tenant_id/change-events')
export class ChangeEventsController {
  constructor(private readonly events: ChangeEventsService) {}

  @Get()
  @RequireScopes(Scope.WebhooksRead)
  @Endpoint({
    summary: 'List Change Events',
    description:
      'The outbox of the tenant: every committed change that can alter who may use what, oldest first, exactly as webhooks ' +
      'and NATS receive them. For catching up after an outage; de-duplicate by `id`.',
    status: 200,
    response: PaginatedResponseEnvelope(ChangeEventResponse),
    errors: [TenantsErrors.notFound],
  })
  list(@TenantId() tenantId: string, @Query() query: ListChangeEventsQueryDto): Promise<Page<ChangeEventResponse>> {
    return this.events.list(tenantId, query.toPageRequest(), query.type);
  }
}
