import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { TenantsModule } from '../tenants/tenants.module';
import { UsersModule } from '../users/users.module';
import { GroupMembershipEntity } from './group-membership.entity';
import { GroupMembersRepository } from './group-members.repository';
import { GroupEntity } from './group.entity';
import { GroupsController } from './groups.controller';
import { GroupsService } from './groups.service';

@Module({
  imports: [TypeOrmModule.forFeature([GroupEntity, GroupMembershipEntity]), TenantsModule, UsersModule, AuditModule],
  controllers: [GroupsController],
  providers: [GroupsService, GroupMembersRepository],
  exports: [GroupsService],
})
export class GroupsModule {}
