// Data hooks: a query that refetches on demand and after the person's own writes, and live updates.

import { useEffect, useRef, useState } from 'preact/hooks';
import { useApp } from '../app-context';
import { graphqlRequest, subscribe, type TypedDocument } from './graphql';

export interface QueryState<Result> {
  data: Result | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs the query now, again when its variables change, and again whenever `reload` is called
 * (after a write, or when a live update says something changed).
 */
export function useQuery<Result, Variables>(
  document: TypedDocument<Result, Variables>,
  variables: Variables,
  options: { skip?: boolean } = {},
): QueryState<Result> {
  const { session } = useApp();
  const [data, setData] = useState<Result | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(!options.skip);
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify(variables);
  const token = session?.token;

  useEffect(() => {
    if (options.skip) return;
    const controller = new AbortController();
    setLoading(true);
    graphqlRequest(document, variables, token, controller.signal).then(
      (result) => {
        setData(result);
        setError(undefined);
        setLoading(false);
      },
      (failure: unknown) => {
        if (controller.signal.aborted) return;
        setError(failure);
        setLoading(false);
      },
    );
    return () => controller.abort();
    // `key` stands for `variables`, compared by value rather than by identity.
  }, [document, key, token, generation, options.skip]);

  return { data, error, loading, reload: () => setGeneration((g) => g + 1) };
}

/** Calls `onData` for every event the server pushes while the component is shown. */
export function useSubscription<Result, Variables>(
  document: TypedDocument<Result, Variables>,
  variables: Variables,
  onData: (data: Result) => void,
  options: { skip?: boolean } = {},
): void {
  const { subscriptions } = useApp();
  const callback = useRef(onData);
  callback.current = onData;
  const key = JSON.stringify(variables);
  useEffect(() => {
    if (options.skip) return;
    return subscribe(subscriptions, document, variables, (data) => callback.current(data));
  }, [subscriptions, document, key, options.skip]);
}
