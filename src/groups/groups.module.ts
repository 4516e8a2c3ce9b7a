import { Module } from '@nestjs/common';
import { ChangesModule } from '../changes/changes.module';
import { DeletionsModule } from '../deletions/deletions.module';
import { TenantsModule } from '../tenants/tenants.module';
import { GroupMembersRepository } from './group-members.repository';
import { GroupsController } from './groups.controller';
import { GroupsRepository } from './groups.repository';
import { GroupsService } from './groups.service';

@Module({
  imports: [TenantsModule, ChangesModule, DeletionsModule],
  controllers: [GroupsController],
  providers: [GroupsService, GroupsRepository, GroupMembersRepository],
  exports: [GroupsService],
})
export class GroupsModule {}
