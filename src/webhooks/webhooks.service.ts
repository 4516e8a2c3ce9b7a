import { Injectable } from '@nestjs/common';
import { ChangeWriter } from '../changes/change-writer';
import type { Actor } from '../common/auth/principal';
import type { Tx } from '../common/database/transaction';
import { Page, PageRequest } from '../common/http/page';
import { RequestValidationException } from '../common/http/validation.exception';
import { Environment } from '../config/environment';
import { TenantsErrors } from '../tenants/tenants.errors';
import { TenantsService } from '../tenants/tenants.service';
import type { CreateWebhookDto, UpdateWebhookDto } from './dto/webhook.dto';
import { WebhookDeliveryAttemptResponse, WebhookResponse, WebhookWithSecretResponse } from './dto/webhook.dto';
import { toAttemptResponse, toWebhookResponse } from './dto/webhook.mapper';
import { newWebhookSecret } from './signature';
import { checkUrl, type UrlPolicy, UrlRefused } from './url-guard';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookSubscriptionsRepository } from './webhook-subscriptions.repository';
import { WebhooksErrors } from './webhooks.errors';

const VIOLATIONS = { missingReference: TenantsErrors.notFound };

/** Where webhooks may point, from the environment (http in development; private networks only when allowed). */
export function urlPolicyOf(env: Environment): UrlPolicy {
  return {
    allowHttp: env.WEBHOOK_ALLOW_HTTP || env.NODE_ENV === 'development',
    allowPrivateNetworks: env.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
  };
}

@Injectable()
export class WebhooksService {
  private readonly policy: UrlPolicy;

  constructor(
    private readonly subscriptions: WebhookSubscriptionsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly tenants: TenantsService,
    private readonly changes: ChangeWriter,
    env: Environment,
  ) {
    this.policy = urlPolicyOf(env);
  }

  /** The secret is generated here and shown in this answer only. */
  async create(tenantId: string, actor: Actor, input: CreateWebhookDto): Promise<WebhookWithSecretResponse> {
    await this.assertUrlAllowed(input.url);
    const secret = newWebhookSecret();
    const fields = { url: input.url, event_types: [...new Set(input.event_types ?? [])], description: input.description ?? null };
    return this.changes.write(tenantId, actor, VIOLATIONS, async (tx: Tx) => {
      const row = await this.subscriptions.insert(tenantId, fields, secret, tx);
      return {
        result: { ...toWebhookResponse(row), secret },
        audit: { action: 'webhook.created', target: { type: 'webhook', id: row.id }, details: { ...fields } },
      };
    });
  }

  /** Oldest first, ties by id. */
  async list(tenantId: string, page: PageRequest): Promise<Page<WebhookResponse>> {
    await this.tenants.assertExists(tenantId);
    const { rows, total } = await this.subscriptions.page(tenantId, page);
    return new Page(rows.map(toWebhookResponse), page.page, page.perPage, total);
  }

  async get(tenantId: string, id: string): Promise<WebhookResponse> {
    const row = await this.subscriptions.find(tenantId, id);
    if (!row) throw WebhooksErrors.notFound.error();
    return toWebhookResponse(row);
  }

  async update(tenantId: string, id: string, actor: Actor, input: UpdateWebhookDto): Promise<WebhookResponse> {
    if (input.url !== undefined) await this.assertUrlAllowed(input.url);
    const changes = {
      url: input.url,
      event_types: input.event_types && [...new Set(input.event_types)],
      description: input.description,
      status: input.status,
    };
    return this.changes.write(tenantId, actor, VIOLATIONS, async (tx) => {
      const row = await this.subscriptions.update(tenantId, id, changes, tx);
      if (!row) throw WebhooksErrors.notFound.error();
      return {
        result: toWebhookResponse(row),
        audit: { action: 'webhook.updated', target: { type: 'webhook', id }, details: { ...input } },
      };
    });
  }

  async rotateSecret(tenantId: string, id: string, actor: Actor): Promise<WebhookWithSecretResponse> {
    const secret = newWebhookSecret();
    return this.changes.write(tenantId, actor, VIOLATIONS, async (tx) => {
      const row = await this.subscriptions.rotateSecret(tenantId, id, secret, tx);
      if (!row) throw WebhooksErrors.notFound.error();
      return {
        result: { ...toWebhookResponse(row), secret },
        audit: { action: 'webhook.secret_rotated', target: { type: 'webhook', id } },
      };
    });
  }

  /** Its pending deliveries and its attempts go with it. */
  remove(tenantId: string, id: string, actor: Actor): Promise<void> {
    return this.changes.write(tenantId, actor, VIOLATIONS, async (tx) => {
      if (!(await this.subscriptions.delete(tenantId, id, tx))) throw WebhooksErrors.notFound.error();
      return { result: undefined, audit: { action: 'webhook.deleted', target: { type: 'webhook', id } } };
    });
  }

  /** Newest first. */
  async attempts(tenantId: string, id: string, page: PageRequest): Promise<Page<WebhookDeliveryAttemptResponse>> {
    if (!(await this.subscriptions.exists(tenantId, id))) throw WebhooksErrors.notFound.error();
    const { rows, total } = await this.deliveries.attempts(tenantId, id, page);
    return new Page(rows.map(toAttemptResponse), page.page, page.perPage, total);
  }

  /** 422 at `["body", "url"]` for a URL the service will not deliver to. */
  private async assertUrlAllowed(url: string): Promise<void> {
    try {
      await checkUrl(url, this.policy);
    } catch (error) {
      if (error instanceof UrlRefused) throw RequestValidationException.single(['body', 'url'], error.message, 'url_refused');
      throw error;
    }
  }
}
