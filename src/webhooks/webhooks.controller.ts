import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScopes, TenantId, TenantScoped } from '../common/auth/decorators';
import { Principal } from '../common/auth/principal';
import { Scope } from '../common/auth/scopes';
import { Endpoint } from '../common/http/api-docs';
import { ApiResponseEnvelope, PaginatedResponseEnvelope } from '../common/http/envelopes';
import { Page } from '../common/http/page';
import { PaginationQueryDto } from '../common/http/pagination-query.dto';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { TenantsErrors } from '../tenants/tenants.errors';
import {
  CreateWebhookDto,
  UpdateWebhookDto,
  WebhookDeliveryAttemptResponse,
  WebhookResponse,
  WebhookWithSecretResponse,
} from './dto/webhook.dto';
import { WebhooksErrors } from './webhooks.errors';
import { WebhooksService } from './webhooks.service';

@ApiTags('Webhooks')
@TenantScoped()
@Controller('api/v1/tenants/:tenant_id/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @RequireScopes(Scope.WebhooksWrite)
  @Endpoint({
    summary: 'Create Webhook',
    description:
      'Subscribes a URL to the change events of the tenant (all types, or those listed). The answer carries the signing ' +
      'secret, shown this once. A URL that is not https, or whose host resolves to an internal address, is a 422.',
    status: 201,
    response: ApiResponseEnvelope(WebhookWithSecretResponse),
    errors: [TenantsErrors.notFound],
  })
  create(
    @TenantId() tenantId: string,
    @CurrentPrincipal() actor: Principal,
    @Body() body: CreateWebhookDto,
  ): Promise<WebhookWithSecretResponse> {
    return this.webhooks.create(tenantId, actor, body);
  }

  @Get()
  @RequireScopes(Scope.WebhooksRead)
  @Endpoint({
    summary: 'List Webhooks',
    description: 'The webhook subscriptions of the tenant, oldest first (ties by id). Secrets are never shown.',
    status: 200,
    response: PaginatedResponseEnvelope(WebhookResponse),
    errors: [TenantsErrors.notFound],
  })
  list(@TenantId() tenantId: string, @Query() query: PaginationQueryDto): Promise<Page<WebhookResponse>> {
    return this.webhooks.list(tenantId, query.toPageRequest());
  }

  @Get(':webhook_id')
  @RequireScopes(Scope.WebhooksRead)
  @Endpoint({
    summary: 'Get Webhook',
    status: 200,
    response: ApiResponseEnvelope(WebhookResponse),
    errors: [WebhooksErrors.notFound],
  })
  get(@TenantId() tenantId: string, @Param('webhook_id', UuidParamPipe) id: string): Promise<WebhookResponse> {
    return this.webhooks.get(tenantId, id);
  }

  @Patch(':webhook_id')
  @RequireScopes(Scope.WebhooksWrite)
  @Endpoint({
    summary: 'Update Webhook',
    description:
      'Changes the fields sent. `status: "paused"` stops deliveries (events still queue); `status: "active"` resumes, ' +
      'clears `paused_reason`, and delivers the queue in order.',
    status: 200,
    response: ApiResponseEnvelope(WebhookResponse),
    errors: [WebhooksErrors.notFound],
  })
  update(
    @TenantId() tenantId: string,
    @Param('webhook_id', UuidParamPipe) id: string,
    @CurrentPrincipal() actor: Principal,
    @Body() body: UpdateWebhookDto,
  ): Promise<WebhookResponse> {
    return this.webhooks.update(tenantId, id, actor, body);
  }

  @Delete(':webhook_id')
  @RequireScopes(Scope.WebhooksWrite)
  @Endpoint({
    summary: 'Delete Webhook',
    description: 'Deletes the subscription with its pending deliveries and its delivery attempts.',
    status: 204,
    errors: [WebhooksErrors.notFound],
  })
  remove(
    @TenantId() tenantId: string,
    @Param('webhook_id', UuidParamPipe) id: string,
    @CurrentPrincipal() actor: Principal,
  ): Promise<void> {
    return this.webhooks.remove(tenantId, id, actor);
  }

  @Post(':webhook_id/rotate-secret')
  @RequireScopes(Scope.WebhooksWrite)
  @Endpoint({
    summary: 'Rotate Webhook Secret',
    description: 'Replaces the signing secret (shown in this answer only); the next delivery is signed with the new one.',
    status: 200,
    response: ApiResponseEnvelope(WebhookWithSecretResponse),
    errors: [WebhooksErrors.notFound],
  })
  rotateSecret(
    @TenantId() tenantId: string,
    @Param('webhook_id', UuidParamPipe) id: string,
    @CurrentPrincipal() actor: Principal,
  ): Promise<WebhookWithSecretResponse> {
    return this.webhooks.rotateSecret(tenantId, id, actor);
  }

  @Get(':webhook_id/deliveries')
  @RequireScopes(Scope.WebhooksRead)
  @Endpoint({
    summary: 'List Webhook Deliveries',
    description: "Every POST to the subscription's URL, newest first: the event, the attempt, the status code and the outcome.",
    status: 200,
    response: PaginatedResponseEnvelope(WebhookDeliveryAttemptResponse),
    errors: [WebhooksErrors.notFound],
  })
  deliveries(
    @TenantId() tenantId: string,
    @Param('webhook_id', UuidParamPipe) id: string,
    @Query() query: PaginationQueryDto,
  ): Promise<Page<WebhookDeliveryAttemptResponse>> {
    return this.webhooks.attempts(tenantId, id, query.toPageRequest());
  }
}
