import { jsonType } from '@keyflow/sdk';

/** A greeting delivered to a person's inbox. */
export interface Greeting {
  readonly text: string;
  readonly seen: number;
}

/** The wire type of {@link Greeting}. */
export const GreetingType = jsonType<Greeting>('example/Greeting');
