import { findDefinition } from '../emulator-context';
import { AdoHttpError } from '../http-reply';
import { renderRunPage } from '../render-run-page';
import type { Router } from '../router';
import { intParam, requireProject, type RouteDeps } from './route-deps';

/**
 * `{project}/_build/results?buildId=N`, the address every run's `_links.web` names: a read-only
 * HTML page. Anonymous, like a browser opening the link from a card (the emulator listens on
 * loopback; the real service would ask the person to sign in).
 */
export function registerRunPageRoutes(router: Router, deps: RouteDeps): void {
  router.add(
    'GET',
    '/:project/_build/results',
    ({ params, query }) => {
      requireProject(deps, params.project);
      const id = intParam(query, 'buildId');
      const run = id === undefined ? undefined : deps.engine.run(id);
      if (!run) {
        throw new AdoHttpError(
          404,
          'BuildNotFoundException',
          `The requested build ${id ?? ''} could not be found.`,
          'build',
        );
      }
      return { html: renderRunPage(findDefinition(deps.ctx, run.definitionId)!, run) };
    },
    { anonymous: true },
  );
}
