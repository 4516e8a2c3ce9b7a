import { ApiProperty, ApiPropertyOptional, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import type { ChangeEventPayload } from '../change-event-payload';
import { CHANGE_EVENT_TYPES, type ChangeEventType } from '../change-event-types';

const USER_ID = { type: 'string', format: 'uuid', example: '2c4d6e8f-0a1b-4c3d-8e5f-6a7b8c9d0e1f' } as const;
const GROUP_ID = { type: 'string', format: 'uuid', example: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b' } as const;
const APPLICATION_ID = { type: 'string', format: 'uuid', example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' } as const;
const DELETION_ID = {
  type: 'string',
  format: 'uuid',
  description: 'Present when the deletion was accepted for the background (202): the deletion to poll.',
  example: '33f0f1b8-3b76-470b-bed4-ddfb8fc9c783',
} as const;

@ApiSchema({ name: 'UserAssignmentEventData', description: 'A direct assignment of an application to a user, made or removed.' })
export class UserAssignmentEventData {
  @ApiProperty(USER_ID) user_id!: string;
  @ApiProperty(APPLICATION_ID) application_id!: string;
}

@ApiSchema({ name: 'GroupAssignmentEventData', description: 'An assignment of an application to a group, made or removed.' })
export class GroupAssignmentEventData {
  @ApiProperty(GROUP_ID) group_id!: string;
  @ApiProperty(APPLICATION_ID) application_id!: string;
}

@ApiSchema({ name: 'GroupMembershipEventData', description: 'A user added to or removed from a group.' })
export class GroupMembershipEventData {
  @ApiProperty(GROUP_ID) group_id!: string;
  @ApiProperty(USER_ID) user_id!: string;
}

@ApiSchema({ name: 'UserStatusChangedEventData', description: "A user's status changed (PATCH of the user)." })
export class UserStatusChangedEventData {
  @ApiProperty(USER_ID) user_id!: string;
  @ApiProperty({ enum: ['active', 'suspended'], example: 'active' }) previous_status!: string;
  @ApiProperty({ enum: ['active', 'suspended'], example: 'suspended' }) status!: string;
}

@ApiSchema({ name: 'UserDeletedEventData', description: 'A user was deleted, with their memberships and assignments.' })
export class UserDeletedEventData {
  @ApiProperty(USER_ID) user_id!: string;
}

@ApiSchema({
  name: 'GroupDeletedEventData',
  description: 'A group was deleted (or its deletion accepted): it grants nothing any more.',
})
export class GroupDeletedEventData {
  @ApiProperty(GROUP_ID) group_id!: string;
  @ApiPropertyOptional(DELETION_ID) deletion_id?: string;
}

@ApiSchema({
  name: 'ApplicationDeletedEventData',
  description: 'An application was deleted (or its deletion accepted): nobody may use it any more.',
})
export class ApplicationDeletedEventData {
  @ApiProperty(APPLICATION_ID) application_id!: string;
  @ApiPropertyOptional(DELETION_ID) deletion_id?: string;
}

/** The data schema of each event type. */
export const EVENT_DATA_MODELS: Record<ChangeEventType, new () => unknown> = {
  'assignment.user_assigned': UserAssignmentEventData,
  'assignment.user_unassigned': UserAssignmentEventData,
  'assignment.group_assigned': GroupAssignmentEventData,
  'assignment.group_unassigned': GroupAssignmentEventData,
  'group.member_added': GroupMembershipEventData,
  'group.member_removed': GroupMembershipEventData,
  'user.status_changed': UserStatusChangedEventData,
  'user.deleted': UserDeletedEventData,
  'group.deleted': GroupDeletedEventData,
  'application.deleted': ApplicationDeletedEventData,
};

/** `assignment.user_assigned` → `AssignmentUserAssignedEvent`. */
export function eventSchemaName(type: ChangeEventType): string {
  return `${type
    .split(/[._]/)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('')}Event`;
}

/** The envelope every event shares (webhook body, NATS message, list item), `data` per type. */
function eventModel(name: string, description: string, type: { enum: readonly string[]; example: string }, data: object) {
  @ApiSchema({ name, description })
  class EventModel {
    @ApiProperty({
      type: 'string',
      format: 'uuid',
      description: 'The event id: de-duplicate by it.',
      example: '0f3e2d1c-4b5a-4c6d-9e8f-7a6b5c4d3e2f',
    })
    id!: string;

    @ApiProperty({ enum: type.enum, example: type.example })
    type!: string;

    @ApiProperty({ type: 'string', format: 'uuid', example: '7d9f3c2e-1b4a-4c8e-9f0a-2b3c4d5e6f70' })
    tenant_id!: string;

    @ApiProperty({
      type: 'string',
      format: 'date-time',
      description: 'When the change was made (inside its transaction).',
      example: '2026-01-01T12:00:00.000Z',
    })
    occurred_at!: string;

    @ApiProperty({ type: 'string', description: 'The `sub` of the token that made the change.', example: 'alice@idp.example' })
    actor!: string;

    @ApiProperty({
      type: 'string',
      nullable: true,
      description: 'The X-Request-ID of the request that made it.',
      example: 'req-7f3a',
    })
    request_id!: string | null;

    @ApiProperty(data)
    data!: Record<string, unknown>;
  }
  Object.defineProperty(EventModel, 'name', { value: name });
  return EventModel;
}

/** One schema per event type (components), e.g. `AssignmentUserAssignedEvent`. */
export const EVENT_MODELS = CHANGE_EVENT_TYPES.map((type) =>
  eventModel(
    eventSchemaName(type),
    `The \`${type}\` change event.`,
    { enum: [type], example: type },
    {
      allOf: [{ $ref: getSchemaPath(EVENT_DATA_MODELS[type]) }],
    },
  ),
);

/** Any change event: `type` says which, and which schema `data` follows. */
export const ChangeEventResponse = eventModel(
  'ChangeEvent',
  'A committed change that can alter who may use what. The schema of each type is `<Type>Event` (e.g. `AssignmentUserAssignedEvent`).',
  { enum: CHANGE_EVENT_TYPES, example: 'assignment.user_assigned' },
  {
    anyOf: [...new Set(Object.values(EVENT_DATA_MODELS))].map((model) => ({ $ref: getSchemaPath(model) })),
    example: { user_id: USER_ID.example, application_id: APPLICATION_ID.example },
  },
);
/** The body of an event in the API's answers: the same as a webhook's or a NATS message's. */
export type ChangeEventResponse = ChangeEventPayload;

export const EVENT_DATA_CLASSES = [...new Set(Object.values(EVENT_DATA_MODELS))];
