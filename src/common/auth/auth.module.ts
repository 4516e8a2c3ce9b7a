import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AuthorizationGuard } from './authorization.guard';
import { CLOCK_TOLERANCE_SECONDS, JwtStrategy } from './jwt.strategy';
import { JwtAuthGuard } from './jwt-auth.guard';
import { VerifiedTokenCache } from './verified-token-cache';

// Guards run in registration order: authenticate, then authorize.
@Module({
  imports: [PassportModule],
  providers: [
    { provide: VerifiedTokenCache, useFactory: () => new VerifiedTokenCache(CLOCK_TOLERANCE_SECONDS) },
    JwtStrategy,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: AuthorizationGuard },
  ],
})
export class AuthModule {}
