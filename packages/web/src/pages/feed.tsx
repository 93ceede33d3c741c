import type { Hono } from 'hono';
import { ValidationError } from '@sharedtech/core';
import type { WebDeps } from '../deps.js';
import { listRequests, matchRequestsForStudio, RequestListQuerySchema } from '@sharedtech/services';
import { ErrorSummary, Select, SubmitButton, TextInput } from '../components/form.js';
import { Layout } from '../components/layout.js';
import { Empty, PageHeader, Pager, Section } from '../components/ui.js';
import { pageKit, render } from '../context.js';
import { emptyForm, formState, issuesOf, zodToWebIssues } from '../forms.js';
import { clusterLabel } from '../labels.js';
import { clusterOptions } from '../components/organisations.js';
import { RequestCard } from '../components/requests.js';

/**
 * The marketplace: OPEN requests, searched by words (the same search as
 * `GET /v1/requests?q=`), filtered by cluster and tag. A verified studio also
 * sees the requests that fit its capability tags first.
 */
export function feedPages(web: Hono, deps: WebDeps) {
  const { page } = pageKit(deps);
  web.get(
    '/feed',
    page(async (c, ui) => {
      const t = ui.t;
      const org = ui.principal.org;
      const fields = ['q', 'cluster', 'tag', 'cursor'];
      const values = { q: c.req.query('q')?.trim() ?? '', cluster: c.req.query('cluster') ?? '', tag: c.req.query('tag')?.trim() ?? '' };
      const parsed = RequestListQuerySchema.safeParse({
        q: values.q || undefined,
        cluster: values.cluster || undefined,
        tag: values.tag || undefined,
        cursor: c.req.query('cursor'),
      });
      let form = parsed.success ? emptyForm(values) : formState(ui, values, zodToWebIssues(parsed.error), fields);
      let filter = parsed.success ? parsed.data : {};
      const list = (query: typeof filter) => listRequests(deps, ui.principal, { status: 'OPEN', q: query.q, cluster: query.cluster, tag: query.tag }, { cursor: query.cursor });
      let feed: Awaited<ReturnType<typeof list>>;
      try {
        feed = await list(filter);
      } catch (error) {
        // Words the search cannot use (only punctuation, one letter): said beside the box, with the unsearched list below.
        if (!(error instanceof ValidationError)) throw error;
        form = formState(ui, values, issuesOf(error), fields);
        filter = { cluster: filter.cluster, tag: filter.tag };
        feed = await list(filter);
      }
      const isStudio = org?.type === 'STUDIO' && org.status === 'VERIFIED';
      const filtered = Boolean(filter.q || filter.cluster || filter.tag || filter.cursor);
      const matches = isStudio && !filtered ? (await matchRequestsForStudio(deps, ui.principal, 5)).items : [];
      const capabilities = isStudio ? org.capabilities : [];
      return render(
        c,
        <Layout ui={ui} title={t('feed.title')}>
          <PageHeader title={t('feed.title')} lead={t('feed.lead')} />
          <form method="get" action="/feed" class="filters card" role="search" novalidate>
            <ErrorSummary ui={ui} form={form} />
            <TextInput ui={ui} form={form} name="q" type="search" label={t('feed.search')} hint={t('feed.searchHint')} placeholder={t('feed.searchPlaceholder')} maxlength={100} />
            <Select ui={ui} form={form} name="cluster" label={t('feed.cluster')} blank={t('common.all')} options={clusterOptions(ui, values.cluster)} />
            <TextInput ui={ui} form={form} name="tag" type="search" label={t('feed.tag')} placeholder={t('feed.tagPlaceholder')} maxlength={32} />
            <SubmitButton label={t('feed.submit')} variant="primary" />
          </form>
          {capabilities.length > 0 ? (
            <p class="quick-tags">
              {t('feed.myTags')}{' '}
              {capabilities.map((tag) => (
                <>
                  <a href={`/feed?tag=${encodeURIComponent(tag)}`} aria-current={filter.tag === tag ? 'true' : undefined}>
                    {tag}
                  </a>{' '}
                </>
              ))}
            </p>
          ) : null}
          {matches.length > 0 ? (
            <Section title={t('feed.recommended')}>
              <ul class="list">
                {matches.map((match) => (
                  <RequestCard ui={ui} request={match.request} highlight={match.sharedTags} />
                ))}
              </ul>
            </Section>
          ) : null}
          <h2>
            {filter.q
              ? t('feed.searchTitle', { q: filter.q })
              : filter.cluster || filter.tag
                ? t('feed.filteredTitle', { cluster: filter.cluster ? clusterLabel(ui, filter.cluster) : t('common.all'), tag: filter.tag ?? t('common.all') })
                : t('feed.allTitle')}
          </h2>
          {feed.items.length > 0 ? (
            <ul class="list">
              {feed.items.map((request) => (
                <RequestCard ui={ui} request={request} highlight={capabilities} />
              ))}
            </ul>
          ) : (
            <Empty>{filter.q ? t('feed.searchEmpty', { q: filter.q }) : t('feed.empty')}</Empty>
          )}
          <Pager ui={ui} nextCursor={feed.nextCursor} />
        </Layout>,
      );
    }),
  );
}
