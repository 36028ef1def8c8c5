// Downloads a stored document with the session's bearer token: a plain link cannot carry it, and
// the server refuses a members-only group's documents without it.

import { ApiError, isProblem } from './problem';

/** Fetches `url`, with `token` as the bearer token when there is one, and saves it as `fileName`. */
export async function downloadDocument(url: string, fileName: string, token: string | undefined): Promise<void> {
  let response: Response;
  try {
    response = await globalThis.fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  } catch (error) {
    throw new ApiError({ code: 'network', title: String(error) }, 0);
  }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => undefined);
    const problem = isProblem(body) ? body : { status: response.status, title: response.statusText || `HTTP ${response.status}` };
    throw new ApiError(problem, response.status);
  }
  const href = URL.createObjectURL(await response.blob());
  const anchor = document.createElement('a');
  anchor.href = href;
  anchor.download = fileName;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // The browser reads the blob after the click returns; free it once the save has surely begun.
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}
