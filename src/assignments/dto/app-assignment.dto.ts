import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

export const ASSIGNMENT_TYPES = ['direct', 'group'] as const;
export type AssignmentType = (typeof ASSIGNMENT_TYPES)[number];

// Schemas of the published reference: names, fields, required flags and descriptions
// are the contract (test/fixtures/app-assignments-reference.ts checks them).

@ApiSchema({ name: 'AppAssignment', description: 'Application assignment.' })
export class AppAssignment {
  @ApiProperty({ type: 'string', example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' })
  application_id!: string;

  @ApiProperty({ type: 'string', example: 'Payroll' })
  application_name!: string;

  @ApiProperty({ type: 'string', example: 'app_3q2X9vLr7cJ0bW1sY4nK8dHfZ6tPmE5a' })
  application_client_id!: string;

  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-01-01T12:00:00.000Z' })
  assigned_at!: string;

  @ApiProperty({ type: 'string', example: 'direct' })
  assignment_type!: AssignmentType;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: null })
  assigned_via?: string | null;
}

@ApiSchema({ name: 'UserAssignedAppsResponse', description: "User's assigned applications response." })
export class UserAssignedAppsResponse {
  @ApiProperty({ type: 'string', example: '2c4d6e8f-0a1b-4c3d-8e5f-6a7b8c9d0e1f' })
  user_id!: string;

  @ApiProperty({ type: () => [AppAssignment] })
  applications!: AppAssignment[];

  @ApiProperty({ type: 'integer', example: 1 })
  total_count!: number;
}

@ApiSchema({ name: 'ApplicationAssigneesResponse', description: "Application's assignees response." })
export class ApplicationAssigneesResponse {
  @ApiProperty({ type: 'string', example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' })
  application_id!: string;

  @ApiProperty({ type: 'array', items: { type: 'string' }, example: ['2c4d6e8f-0a1b-4c3d-8e5f-6a7b8c9d0e1f'] })
  users!: string[];

  @ApiProperty({ type: 'array', items: { type: 'string' }, example: ['5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b'] })
  groups!: string[];

  @ApiProperty({ type: 'integer', example: 1 })
  total_users!: number;

  @ApiProperty({ type: 'integer', example: 1 })
  total_groups!: number;
}
