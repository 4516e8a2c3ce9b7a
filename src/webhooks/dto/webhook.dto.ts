import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions, ApiSchema, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { CHANGE_EVENT_TYPES } from '../../change-events/change-event-types';
import { IsOptionalNonNull } from '../../common/http/optional-non-null';
import { ATTEMPT_OUTCOMES, type AttemptOutcome } from '../webhook-delivery-attempt.entity';
import { WEBHOOK_STATUSES, type WebhookStatus } from '../webhook-subscription.entity';

const URL_PROPERTY = {
  type: 'string',
  format: 'uri',
  maxLength: 2048,
  description:
    'Where events are POSTed: https (http only in development or with WEBHOOK_ALLOW_HTTP), on a host that does not ' +
    'resolve to a loopback, private, link-local, multicast or unspecified address.',
  example: 'https://hooks.example.com/iam',
} as const;

const EVENT_TYPES_PROPERTY: ApiPropertyOptions = {
  type: 'array',
  items: { type: 'string', enum: [...CHANGE_EVENT_TYPES] },
  maxItems: CHANGE_EVENT_TYPES.length,
  description: 'The event types delivered; empty: every type.',
  example: ['assignment.user_assigned', 'assignment.user_unassigned'],
};

@ApiSchema({ name: 'WebhookCreate', description: 'Request to create a webhook subscription; its secret is generated.' })
export class CreateWebhookDto {
  @ApiProperty(URL_PROPERTY)
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  url!: string;

  @ApiPropertyOptional({ ...EVENT_TYPES_PROPERTY, default: [] })
  @IsOptionalNonNull()
  @IsArray()
  @ArrayMaxSize(CHANGE_EVENT_TYPES.length)
  @IsIn(CHANGE_EVENT_TYPES, { each: true, message: 'each value in event_types must be a documented change event type' })
  event_types?: string[];

  @ApiPropertyOptional({ type: 'string', maxLength: 1000, nullable: true, example: 'Gateway cache invalidation' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string | null;
}

@ApiSchema({
  name: 'WebhookUpdate',
  description: 'Partial update of a webhook subscription. `status: "active"` resumes a paused one (its queue is delivered).',
})
export class UpdateWebhookDto extends PartialType(CreateWebhookDto, { skipNullProperties: false }) {
  @ApiPropertyOptional({ enum: WEBHOOK_STATUSES, example: 'paused' })
  @IsOptionalNonNull()
  @IsIn(WEBHOOK_STATUSES, { message: `status must be one of: ${WEBHOOK_STATUSES.join(', ')}` })
  status?: WebhookStatus;
}

@ApiSchema({ name: 'WebhookResponse', description: 'A webhook subscription of the tenant (its secret is never shown again).' })
export class WebhookResponse {
  @ApiProperty({ type: 'string', format: 'uuid', example: '4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e' })
  id!: string;

  @ApiProperty({ type: 'string', format: 'uuid', example: '7d9f3c2e-1b4a-4c8e-9f0a-2b3c4d5e6f70' })
  tenant_id!: string;

  @ApiProperty({ type: 'string', example: URL_PROPERTY.example })
  url!: string;

  @ApiProperty(EVENT_TYPES_PROPERTY)
  event_types!: string[];

  @ApiProperty({ type: 'string', nullable: true, example: 'Gateway cache invalidation' })
  description!: string | null;

  @ApiProperty({ enum: WEBHOOK_STATUSES, example: 'active' })
  status!: WebhookStatus;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Why the service paused it (null when active, or paused through the API).',
    example: null,
  })
  paused_reason!: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-01-01T12:00:00.000Z' })
  created_at!: string;

  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-01-01T12:00:00.000Z' })
  updated_at!: string;
}

@ApiSchema({
  name: 'WebhookWithSecret',
  description: 'A webhook subscription with its signing secret: shown only in this response; store it now.',
})
export class WebhookWithSecretResponse extends WebhookResponse {
  @ApiProperty({
    type: 'string',
    description: 'The HMAC-SHA256 key of the `IAM-Signature` header (its UTF-8 bytes, `whsec_` included).',
    example: 'whsec_3q2X9vLr7cJ0bW1sY4nK8dHfZ6tPmE5aQw8eR2tY4uI',
  })
  secret!: string;
}

@ApiSchema({ name: 'WebhookDeliveryAttempt', description: 'One POST of one event to the subscription, and its outcome.' })
export class WebhookDeliveryAttemptResponse {
  @ApiProperty({ type: 'string', format: 'uuid', example: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' })
  id!: string;

  @ApiProperty({
    type: 'string',
    format: 'uuid',
    description: 'The delivery (one per event and subscription).',
    example: '6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f',
  })
  delivery_id!: string;

  @ApiProperty({ type: 'string', format: 'uuid', example: '0f3e2d1c-4b5a-4c6d-9e8f-7a6b5c4d3e2f' })
  event_id!: string;

  @ApiProperty({ enum: CHANGE_EVENT_TYPES, example: 'assignment.user_assigned' })
  event_type!: string;

  @ApiProperty({ type: 'integer', description: '1 for the first POST of the event.', example: 1 })
  attempt!: number;

  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-01-01T12:00:00.000Z' })
  attempted_at!: string;

  @ApiProperty({ type: 'integer', nullable: true, description: "The receiver's HTTP status; null when none came.", example: 200 })
  status_code!: number | null;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Why there was no status (timeout, refused address, ...).',
    example: null,
  })
  error!: string | null;

  @ApiProperty({ type: 'integer', example: 42 })
  duration_ms!: number;

  @ApiProperty({
    enum: ATTEMPT_OUTCOMES,
    description: '`delivered` (2xx), `retrying` (another attempt is scheduled) or `failed` (retried for a day: given up).',
    example: 'delivered',
  })
  outcome!: AttemptOutcome;
}
