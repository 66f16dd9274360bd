import { Redis } from 'ioredis';
/** The shared Redis the test suite runs against (`.ci/run` starts one when none answers). */
export declare const TEST_REDIS_URL: string;
/** A fresh key prefix, so tests running at the same time (other engineers, other files) never meet. */
export declare function testKeyPrefix(): string;
export interface TestRedis {
    readonly client: Redis;
    readonly prefix: string;
    /** Every key under this test's prefix. */
    keys(): Promise<string[]>;
    /** Deletes this test's keys (never the whole database: it is shared) and disconnects. */
    cleanup(): Promise<void>;
}
/** A client of the shared test Redis with its own key prefix. */
export declare function connectTestRedis(url?: string): Promise<TestRedis>;
/** A clock tests move by hand. */
export declare class FakeClock {
    time: number;
    constructor(time?: number);
    readonly now: () => number;
    advance(ms: number): void;
}
