import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessChecksModule } from './access-checks/access-checks.module';
import { ApplicationsModule } from './applications/applications.module';
import { AssignmentsModule } from './assignments/assignments.module';
import { AuditModule } from './audit/audit.module';
import { BackgroundModule } from './background/background.module';
import { ChangeEventsModule } from './change-events/change-events.module';
import { AuthModule } from './common/auth/auth.module';
import { ConfigModule } from './config/config.module';
import { Environment } from './config/environment';
import { BACKGROUND_CONNECTION, databaseOptions } from './database/database.options';
import { GroupsModule } from './groups/groups.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { ReplicasModule } from './replicas/replicas.module';
import { TenantsModule } from './tenants/tenants.module';
import { UsersModule } from './users/users.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({})
export class AppModule {
  /** `databaseUrl` is resolved by the caller: DATABASE_URL, or the embedded database's. */
  static forRoot(env: Environment, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(env),
        TypeOrmModule.forRoot({
          ...databaseOptions({ url: databaseUrl, poolSize: env.DATABASE_POOL_SIZE, role: 'requests' }),
          // Fail fast at start-up (migrations need the database; an orchestrator restarts us).
          // Once running, the pool reconnects on its own: while the database is away requests
          // answer 503 and /health/ready fails.
          retryAttempts: 0,
        }),
        // The workers' batches get a small pool of their own, with longer time limits.
        TypeOrmModule.forRoot({
          ...databaseOptions({ url: databaseUrl, role: 'background' }),
          name: BACKGROUND_CONNECTION,
          retryAttempts: 0,
        }),
        ReplicasModule,
        AuthModule,
        MetricsModule,
        HealthModule,
        TenantsModule,
        UsersModule,
        GroupsModule,
        ApplicationsModule,
        AssignmentsModule,
        AccessChecksModule,
        AuditModule,
        ChangeEventsModule,
        WebhooksModule,
        BackgroundModule,
      ],
    };
  }
}
