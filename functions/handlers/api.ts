import type { Request } from 'firebase-functions/v2/https';
import type { Response } from 'express';
import { defaultDeps, type Deps } from '../app/deps';
import { ROUTES } from '../http/routes';
import { requireJsonBody } from '../http/mediaType';
import { sendError, sendResult } from '../http/respond';
import { resolveRoute, runRoute, type Route } from '../http/router';

/** The single HTTPS entry point for `/api/**`: resolve, run, map errors once. */
export function makeApiHandler(routes: readonly Route[] = ROUTES, deps: () => Deps = defaultDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    try {
      const { route, params } = resolveRoute(routes, req.method, req.path);
      if (!route.rawBody) requireJsonBody(req.headers);
      const result = await runRoute(route, {
        req: {
          method: req.method,
          path: req.path,
          query: req.query,
          headers: req.headers,
          body: req.body,
          rawBody: req.rawBody,
        },
        params,
        deps: deps(),
      });
      await sendResult(res, result, req.headers);
    } catch (error) {
      sendError(res, error, { method: req.method, path: req.path });
    }
  };
}
