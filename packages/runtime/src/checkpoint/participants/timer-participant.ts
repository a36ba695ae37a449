import type { TimerService } from '../../timers/timer-service';
import type { CheckpointParticipant } from '../checkpoint-participant';

/** Delayed messages: the schedules and cancellations since the last checkpoint. */
export function timerParticipant(timers: TimerService): CheckpointParticipant {
  return {
    name: 'timers',
    capture() {
      const ops = timers.takeOps();
      return { ops, aborted: () => timers.restoreOps(ops) };
    },
    restore(plan) {
      timers.restore(plan.timers);
    },
  };
}
