import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { EXAMPLE_IDS } from '../../common/http/examples';

const EXAMPLE_CLIENT_ID = 'app_3q2X9vLr7cJ0bW1sY4nK8dHfZ6tPmE5a';

@ApiSchema({ name: 'AccessCheckGroup', description: 'A group through which the user has the application.' })
export class AccessCheckGroup {
  @ApiProperty({ type: 'string', format: 'uuid', example: EXAMPLE_IDS.group_id })
  id!: string;

  @ApiProperty({ type: 'string', example: 'Engineering' })
  name!: string;
}

@ApiSchema({
  name: 'AccessCheck',
  description:
    "Whether the user may use the application, and through what: the same answer as the user's applications (`GET .../users/{user_id}/applications`).",
})
export class AccessCheck {
  @ApiProperty({ type: 'string', format: 'uuid', example: EXAMPLE_IDS.user_id })
  user_id!: string;

  @ApiProperty({ type: 'string', format: 'uuid', example: EXAMPLE_IDS.application_id })
  application_id!: string;

  @ApiProperty({ type: 'string', example: EXAMPLE_CLIENT_ID, description: "The application's OAuth client id." })
  client_id!: string;

  @ApiProperty({
    type: 'boolean',
    example: true,
    description: 'The user may use the application: directly, or through at least one group.',
  })
  granted!: boolean;

  @ApiProperty({ type: 'boolean', example: false, description: 'The application is assigned to the user directly.' })
  direct!: boolean;

  @ApiProperty({
    type: () => [AccessCheckGroup],
    description: 'The groups of the user that are assigned the application, sorted by name, then id.',
  })
  groups!: AccessCheckGroup[];
}

@ApiSchema({ name: 'AccessCheckErrorDetail', description: 'Why one check of a batch has no answer.' })
export class AccessCheckErrorDetail {
  @ApiProperty({ type: 'integer', example: 404 })
  status!: number;

  @ApiProperty({ type: 'string', example: 'User not found', description: 'The `detail` the single check answers.' })
  detail!: string;
}

@ApiSchema({
  name: 'AccessCheckError',
  description: 'A check of a batch whose user or application is unknown in the tenant: the pair as given, and the error.',
})
export class AccessCheckError {
  @ApiProperty({ type: 'string', example: EXAMPLE_IDS.user_id })
  user_id!: string;

  @ApiPropertyOptional({
    type: 'string',
    example: EXAMPLE_IDS.application_id,
    description: 'As given (when the check named it).',
  })
  application_id?: string;

  @ApiPropertyOptional({ type: 'string', description: 'As given (when the check named it).' })
  client_id?: string;

  @ApiProperty({ type: () => AccessCheckErrorDetail })
  error!: AccessCheckErrorDetail;
}

/** One answer of a batch: the check's result, or its error. */
export type AccessCheckOutcome = AccessCheck | AccessCheckError;
