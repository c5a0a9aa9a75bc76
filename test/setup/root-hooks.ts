import { stopPrivateRedisServers } from '../support/redis-server';

/** Hooks mocha runs around the whole suite in each process. */
export const mochaHooks = {
  async afterAll(): Promise<void> {
    await stopPrivateRedisServers();
  },
};
