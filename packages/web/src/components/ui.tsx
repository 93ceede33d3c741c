import type { Child, FC } from 'hono/jsx';
import type { Ui } from '../context.js';
import { statusTone } from '../labels.js';

/** The page's one h1, an optional line under it, and its main actions. */
export const PageHeader: FC<{ title: string; lead?: Child; actions?: Child; back?: { href: string; label: string } }> = ({
  title,
  lead,
  actions,
  back,
}) => (
  <div class="page-header">
    {back ? (
      <a class="back" href={back.href}>
        ← {back.label}
      </a>
    ) : null}
    <div class="page-title">
      <h1>{title}</h1>
      {actions ? <div class="actions">{actions}</div> : null}
    </div>
    {lead ? <p class="lead">{lead}</p> : null}
  </div>
);

/** A status as a coloured label; the colour is never the only signal (the word is there). */
export const Badge: FC<{ status: string; label: string; tone?: ReturnType<typeof statusTone> }> = ({ status, label, tone }) => (
  <span class={`badge tone-${tone ?? statusTone(status)}`} data-status={status}>
    {label}
  </span>
);

/** The top line of one record in a list: its title, linking to the record's page, and its status. */
export const ItemTitle: FC<{ href: string; title: Child; status: string; label: string; tone?: ReturnType<typeof statusTone> }> = ({ href, title, status, label, tone }) => (
  <div class="card-title">
    <h2>
      <a href={href}>{title}</a>
    </h2>
    <Badge status={status} label={label} tone={tone} />
  </div>
);

export const Time: FC<{ ui: Ui; iso: string | undefined; dateOnly?: boolean }> = ({ ui, iso, dateOnly }) =>
  iso ? <time datetime={iso}>{dateOnly ? ui.date(iso) : ui.dateTime(iso)}</time> : <span>—</span>;

/** Key–value facts of a record. */
export const Facts: FC<{ items: [string, Child][] }> = ({ items }) => (
  <dl class="facts">
    {items.map(([term, value]) => (
      <div>
        <dt>{term}</dt>
        <dd>{value}</dd>
      </div>
    ))}
  </dl>
);

export const Tags: FC<{ tags: string[] }> = ({ tags }) => (
  <ul class="tags">
    {tags.map((tag) => (
      <li>{tag}</li>
    ))}
  </ul>
);

export const Empty: FC<{ children: Child }> = ({ children }) => <p class="empty">{children}</p>;

export const Section: FC<{ title: string; id?: string; children: Child; actions?: Child }> = ({ title, id, children, actions }) => (
  <section class="card" aria-labelledby={id ? `${id}-title` : undefined}>
    <div class="card-title">
      <h2 id={id ? `${id}-title` : undefined}>{title}</h2>
      {actions ? <div class="actions">{actions}</div> : null}
    </div>
    {children}
  </section>
);

/** Forward-only paging over opaque cursors: "next page" and "back to the first". */
export const Pager: FC<{ ui: Ui; nextCursor: string | null }> = ({ ui, nextCursor }) => {
  const url = new URL(ui.url);
  const hasCursor = url.searchParams.has('cursor');
  if (!nextCursor && !hasCursor) return null;
  url.searchParams.delete('lang');
  url.searchParams.delete('cursor');
  const first = `${url.pathname}${url.search}`;
  if (nextCursor) url.searchParams.set('cursor', nextCursor);
  return (
    <nav class="pager" aria-label={ui.t('pager.label')}>
      {hasCursor ? <a href={first}>{ui.t('pager.first')}</a> : null}
      {nextCursor ? (
        <a href={`${url.pathname}${url.search}`} rel="next">
          {ui.t('pager.next')}
        </a>
      ) : null}
    </nav>
  );
};

/** Wide tables scroll sideways inside their own box on a phone instead of stretching the page. */
export const TableScroll: FC<{ label: string; children: Child }> = ({ label, children }) => (
  <div class="table-scroll" role="region" aria-label={label} tabindex={0}>
    {children}
  </div>
);
