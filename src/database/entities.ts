import { EffectiveAccessEntity } from '../access/effective-access.entity';
import { EffectiveAccessCountDeltaEntity } from '../access/effective-access-count-delta.entity';
import { EffectiveAccessSettingsEntity } from '../access/effective-access-settings.entity';
import { EffectiveAccessStateEntity } from '../access/effective-access-state.entity';
import { ApplicationEntity } from '../applications/application.entity';
import { GroupAppAssignmentEntity } from '../assignments/group-app-assignment.entity';
import { UserAppAssignmentEntity } from '../assignments/user-app-assignment.entity';
import { AuditEventEntity } from '../audit/audit-event.entity';
import { ChangeEventEntity } from '../change-events/change-event.entity';
import { DeletionEntity } from '../deletions/deletion.entity';
import { GroupEntity } from '../groups/group.entity';
import { GroupMembershipEntity } from '../groups/group-membership.entity';
import { IdempotencyKeyEntity } from '../idempotency/idempotency-key.entity';
import { TenantEntity } from '../tenants/tenant.entity';
import { UserEntity } from '../users/user.entity';
import { WebhookDeliveryEntity } from '../webhooks/webhook-delivery.entity';
import { WebhookDeliveryAttemptEntity } from '../webhooks/webhook-delivery-attempt.entity';
import { WebhookSubscriptionEntity } from '../webhooks/webhook-subscription.entity';

export const ENTITIES = [
  TenantEntity,
  UserEntity,
  GroupEntity,
  GroupMembershipEntity,
  ApplicationEntity,
  UserAppAssignmentEntity,
  GroupAppAssignmentEntity,
  AuditEventEntity,
  EffectiveAccessEntity,
  EffectiveAccessStateEntity,
  EffectiveAccessSettingsEntity,
  EffectiveAccessCountDeltaEntity,
  DeletionEntity,
  IdempotencyKeyEntity,
  ChangeEventEntity,
  WebhookSubscriptionEntity,
  WebhookDeliveryEntity,
  WebhookDeliveryAttemptEntity,
];
