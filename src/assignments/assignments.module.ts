import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { ChangesModule } from '../changes/changes.module';
import { UsersModule } from '../users/users.module';
import { AssignmentsController } from './assignments.controller';
import { AssignmentsRepository } from './assignments.repository';
import { AssignmentsService } from './assignments.service';

@Module({
  imports: [UsersModule, ChangesModule, AccessModule],
  controllers: [AssignmentsController],
  providers: [AssignmentsService, AssignmentsRepository],
})
export class AssignmentsModule {}
