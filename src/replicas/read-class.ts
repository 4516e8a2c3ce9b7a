/**
 * The reads a replica may serve: heavy, and fine a moment behind for a caller who did not
 * just write (one who did sends its Consistency-Token). Everything else (single resources,
 * access checks, reads inside a write) stays on the primary.
 */
export const READ_CLASSES = ['effective_users', 'assignees', 'assignments', 'lists', 'audit_events'] as const;

export type ReadClass = (typeof READ_CLASSES)[number];
