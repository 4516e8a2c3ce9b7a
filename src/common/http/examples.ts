/**
 * Example values of the OpenAPI document, shared so that Swagger UI's examples fit
 * together: the tenant id in a path is the `tenant_id` of the users it lists, and so on.
 */
export const EXAMPLE_IDS = {
  tenant_id: '7d9f3c2e-1b4a-4c8e-9f0a-2b3c4d5e6f70',
  user_id: '2c4d6e8f-0a1b-4c3d-8e5f-6a7b8c9d0e1f',
  group_id: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b',
  application_id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  webhook_id: '4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e',
} as const;

export const EXAMPLE_TIMESTAMP = '2026-01-01T12:00:00.000Z';

export const EXAMPLE_META = {
  request_id: '3f0e8a5c-6f7d-4d43-9a57-2d8d1b9f0c11',
  timestamp: EXAMPLE_TIMESTAMP,
} as const;

/**
 * The reference declares some bodies as an untyped `dict` (API-CONTRACT.md gives their
 * fields). The schemas carry the commonest shape; an operation whose body differs shows
 * its own in its response example.
 */
export const DICT_EXAMPLES = {
  /** `ApiResponse_dict_`: an application assigned to a user. */
  single: {
    user_id: EXAMPLE_IDS.user_id,
    application_id: EXAMPLE_IDS.application_id,
    assignment_type: 'direct',
    assigned_at: EXAMPLE_TIMESTAMP,
  },
  /** `PaginatedResponse_dict_`: a user with access to an application. */
  item: {
    user_id: EXAMPLE_IDS.user_id,
    email: 'ada@example.com',
    display_name: 'Ada Lovelace',
    status: 'active',
    direct: true,
    via_groups: [EXAMPLE_IDS.group_id],
  },
} as const;
