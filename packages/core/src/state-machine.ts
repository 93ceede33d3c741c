import { ConflictError } from './errors.js';

/**
 * A finite state machine as data: each action names the states it may start
 * from and the state it leads to. Keeping it as a table makes the lifecycle
 * readable in one place and lets tests enumerate every illegal transition.
 */
export type Transitions<S extends string, A extends string> = Record<A, { from: readonly S[]; to: S }>;

export interface StateMachine<S extends string, A extends string> {
  readonly entity: string;
  readonly transitions: Transitions<S, A>;
  /** The state `action` leads to from `current`, or a 409 `INVALID_TRANSITION`. */
  next(current: S, action: A): S;
  can(current: S, action: A): boolean;
}

export function defineStateMachine<S extends string, A extends string>(
  entity: string,
  transitions: Transitions<S, A>,
): StateMachine<S, A> {
  const can = (current: S, action: A) => transitions[action].from.includes(current);
  return {
    entity,
    transitions,
    can,
    next(current, action) {
      if (!can(current, action)) {
        throw new ConflictError(
          'INVALID_TRANSITION',
          `Cannot ${action} a ${entity} that is ${current}.`,
          { entity, action, from: current, allowedFrom: transitions[action].from },
        );
      }
      return transitions[action].to;
    },
  };
}
