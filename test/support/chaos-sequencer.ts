import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Runs the chaos files in name order, so test/chaos/zz-secret-sweep.test.ts comes last and sees
 * what every other scenario saved (vitest's default order is by past duration).
 */
export class ChaosSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
  }
}
