import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { TenantsModule } from '../tenants/tenants.module';
import { UsersModule } from '../users/users.module';
import { GroupEntity } from './group.entity';
import { GroupMembersRepository } from './group-members.repository';
import { GroupMembershipEntity } from './group-membership.entity';
import { GroupsController } from './groups.controller';
import { GroupsService } from './groups.service';

@Module({
  imports: [TypeOrmModule.forFeature([GroupEntity, GroupMembershipEntity]), TenantsModule, UsersModule, AuditModule],
  controllers: [GroupsController],
  providers: [GroupsService, GroupMembersRepository],
  exports: [GroupsService],
})
export class GroupsModule {}
