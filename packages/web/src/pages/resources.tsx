import type { Context, Hono } from 'hono';
import { PRICE_UNITS, RESOURCE_TYPES, type ResourcePrice } from '@sharedtech/core';
import type { WebDeps } from '../deps.js';
import {
  BookResourceSchema, RegisterResourceSchema, actOnBooking, bookResource, listBookings, listMyBookings, listResources, readBookingById, readResource,
  registerResource, type BookingAction,
} from '@sharedtech/services';
import { ActionButton, ErrorSummary, FormSubmit, MoneyInput, Select, TextArea, TextInput } from '../components/form.js';
import { Layout } from '../components/layout.js';
import { clusterOptions } from '../components/organisations.js';
import { Badge, Empty, Facts, ItemTitle, PageHeader, Pager, Section, Tags } from '../components/ui.js';
import { flash, formOf, pageKit, pathParam, queryChoice, render, type SignedInUi, type Ui } from '../context.js';
import { emptyForm, formState, submitForm, type FormState } from '../forms.js';
import { KNOWN_CLUSTERS, clusterLabel } from '../labels.js';

const REGISTER_FIELDS = ['type', 'name', 'description', 'cluster', 'capabilities', 'location', 'rules', 'price.unit', 'price.amount'] as const;
const BOOK_FIELDS = ['start', 'end', 'purpose', 'contractId'] as const;

/** "¥200.00 / hour", "¥1,500.00 / day" or "free". */
export const priceText = (ui: Ui, price: ResourcePrice) =>
  price.unit === 'FREE' || !price.amount ? ui.t('resource.price.FREE') : ui.t(`resource.per.${price.unit}`, { amount: ui.money(price.amount) });

/** A booking's hours in Asia/Shanghai: "2026-01-06 09:00 – 12:00 (3 h)". */
const bookingTime = (ui: Ui, booking: { start: string; end: string; hours: number }) =>
  `${ui.dateTime(booking.start)} – ${ui.dateTime(booking.end)} · ${ui.t('booking.hours', { hours: booking.hours })}`;

type BookingRow = Awaited<ReturnType<typeof listBookings>>['items'][number];

/** A booking with the buttons the visitor may press: the owner decides, either side cancels. */
function BookingItem({ ui, booking, showResource }: { ui: SignedInUi; booking: BookingRow; showResource?: boolean }) {
  const t = ui.t;
  const orgId = ui.principal.membership?.orgId;
  const owner = orgId === booking.ownerOrgId;
  const party = owner || orgId === booking.bookerOrgId;
  return (
    <li class="item" data-booking-id={booking.id}>
      <ItemTitle
        href={`/resources/${booking.resourceId}`}
        title={showResource ? booking.resourceName : bookingTime(ui, booking)}
        status={booking.status}
        label={t(`booking.status.${booking.status}`)}
      />
      <p class="item-meta">
        {showResource ? <span>{bookingTime(ui, booking)}</span> : null}
        <span class="amount">{ui.money(booking.cost)}</span>
        <span>{booking.purpose}</span>
        {booking.contractId ? <a href={`/contracts/${booking.contractId}`}>{t('entity.contract')}</a> : null}
        {booking.reason ? <span>{t('common.reason')}: {booking.reason}</span> : null}
      </p>
      <div class="actions">
        {owner && booking.status === 'PENDING' ? (
          <>
            <ActionButton action={`/bookings/${booking.id}/approve`} label={t('booking.approve')} variant="primary" />
            <ActionButton action={`/bookings/${booking.id}/decline`} label={t('booking.decline')} />
          </>
        ) : null}
        {party && (booking.status === 'PENDING' || booking.status === 'APPROVED') ? (
          <ActionButton action={`/bookings/${booking.id}/cancel`} label={t('booking.cancel')} variant="danger" confirm={t('booking.cancelConfirm')} />
        ) : null}
      </div>
    </li>
  );
}

function RegisterPage({ ui, form }: { ui: SignedInUi; form: FormState }) {
  const t = ui.t;
  const label: Record<(typeof REGISTER_FIELDS)[number], string> = {
    type: t('resource.field.type'),
    name: t('resource.field.name'),
    description: t('resource.field.description'),
    cluster: t('org.field.cluster'),
    capabilities: t('resource.field.capabilities'),
    location: t('resource.field.location'),
    rules: t('resource.field.rules'),
    'price.unit': t('resource.field.priceUnit'),
    'price.amount': t('resource.field.priceAmount'),
  };
  return (
    <Layout ui={ui} title={t('resource.register.title')}>
      <PageHeader title={t('resource.register.title')} lead={t('resource.register.lead')} back={{ href: '/resources', label: t('nav.resources') }} />
      <form method="post" action="/resources/new" class="stack card" novalidate>
        <ErrorSummary ui={ui} form={form} labels={label} />
        <Select ui={ui} form={form} name="type" required label={label.type} blank={t('form.choose')} options={RESOURCE_TYPES.map((type) => ({ value: type, label: t(`resource.type.${type}`) }))} />
        <TextInput ui={ui} form={form} name="name" required label={label.name} maxlength={120} />
        <TextArea ui={ui} form={form} name="description" required label={label.description} rows={4} maxlength={4000} />
        <Select ui={ui} form={form} name="cluster" required label={label.cluster} blank={t('form.choose')} options={clusterOptions(ui, form.values.cluster)} />
        <TextInput ui={ui} form={form} name="capabilities" required label={label.capabilities} hint={t('org.field.capabilitiesHint')} />
        <TextInput ui={ui} form={form} name="location" required label={label.location} maxlength={200} />
        <TextArea ui={ui} form={form} name="rules" required label={label.rules} rows={3} maxlength={4000} />
        <Select ui={ui} form={form} name="price.unit" required label={label['price.unit']} options={PRICE_UNITS.map((unit) => ({ value: unit, label: t(`resource.price.${unit}`) }))} />
        <MoneyInput ui={ui} form={form} name="price.amount" label={label['price.amount']} hint={t('resource.field.priceHint')} />
        <FormSubmit label={t('resource.register.submit')} variant="primary" />
      </form>
    </Layout>
  );
}

async function ResourcePage({ ui, deps, id, form, cursor }: { ui: SignedInUi; deps: WebDeps; id: string; form: FormState; cursor?: string }) {
  const t = ui.t;
  const resource = await readResource(deps, ui.principal, id);
  const orgId = ui.principal.membership?.orgId;
  const owner = orgId === resource.ownerOrgId;
  const bookings = await listBookings(deps, ui.principal, id, { cursor, limit: 20 });
  const label = { start: t('booking.field.start'), end: t('booking.field.end'), purpose: t('booking.field.purpose'), contractId: t('booking.field.contract') };
  const mayBook = !owner && ui.principal.org?.status === 'VERIFIED';
  return (
    <Layout ui={ui} title={resource.name}>
      <PageHeader
        title={resource.name}
        lead={<Badge status="ACTIVE" label={t(`resource.type.${resource.type}`)} tone="ok" />}
        back={{ href: '/resources', label: t('nav.resources') }}
        actions={owner ? <a href={`/audit?entity=resource:${resource.id}`}>{t('common.auditTrail')}</a> : undefined}
      />
      <Section title={t('resource.about')}>
        <Facts
          items={[
            [t('resource.field.owner'), resource.ownerOrgName ?? resource.ownerOrgId],
            [t('org.field.cluster'), clusterLabel(ui, resource.cluster)],
            [t('resource.field.location'), resource.location],
            [t('resource.field.price'), <strong class="amount">{priceText(ui, resource.price)}</strong>],
            [t('resource.field.capabilities'), <Tags tags={resource.capabilities} />],
            [t('resource.usage.approved'), String(resource.usage.approvedBookings)],
            [t('resource.usage.hours'), String(resource.usage.bookedHours)],
          ]}
        />
        <p class="prose">{resource.description}</p>
        <h3>{t('resource.field.rules')}</h3>
        <p class="prose">{resource.rules}</p>
      </Section>
      <Section title={t('resource.taken')}>
        {resource.takenSlots.length > 0 ? (
          <p data-taken-slots>{resource.takenSlots.map((slot) => `${slot.replace('T', ' ')}:00`).join('，')}</p>
        ) : (
          <Empty>{t('resource.takenNone')}</Empty>
        )}
      </Section>
      {mayBook ? (
        <Section title={t('booking.title')}>
          <form method="post" action={`/resources/${resource.id}/book`} class="stack card" novalidate data-booking-form>
            <ErrorSummary ui={ui} form={form} labels={label} />
            <p class="hint">{t('booking.hint')}</p>
            <TextInput ui={ui} form={form} name="start" type="datetime-local" step="3600" required label={label.start} />
            <TextInput ui={ui} form={form} name="end" type="datetime-local" step="3600" required label={label.end} />
            <TextArea ui={ui} form={form} name="purpose" required label={label.purpose} rows={2} maxlength={1000} />
            <TextInput ui={ui} form={form} name="contractId" label={label.contractId} hint={t('booking.field.contractHint')} maxlength={64} />
            <FormSubmit label={t('booking.submit')} variant="primary" />
          </form>
        </Section>
      ) : null}
      <Section title={owner ? t('booking.ofResource') : t('booking.mine')}>
        {bookings.items.length > 0 ? (
          <ul class="list">
            {bookings.items.map((booking) => (
              <BookingItem ui={ui} booking={booking} />
            ))}
          </ul>
        ) : (
          <Empty>{t('booking.empty')}</Empty>
        )}
        <Pager ui={ui} nextCursor={bookings.nextCursor} />
      </Section>
    </Layout>
  );
}

/** The shared resources: the list with filters, registering one, a resource with its booking form, and the owner's decisions. */
export function resourcePages(web: Hono, deps: WebDeps) {
  const { page, action } = pageKit(deps);

  web.get(
    '/resources',
    page(async (c, ui) => {
      const t = ui.t;
      const type = queryChoice(c, 'type', RESOURCE_TYPES);
      const cluster = queryChoice(c, 'cluster', KNOWN_CLUSTERS);
      const list = await listResources(deps, ui.principal, { type, cluster, cursor: c.req.query('cursor') });
      const member = Boolean(ui.principal.membership);
      const [awaiting, mine] = member
        ? await Promise.all([listMyBookings(deps, ui.principal, 'OWNER', 'PENDING', { limit: 20 }), listMyBookings(deps, ui.principal, 'BOOKER', undefined, { limit: 10 })])
        : [undefined, undefined];
      const filter = emptyForm({ type: type ?? '', cluster: cluster ?? '' });
      return render(
        c,
        <Layout ui={ui} title={t('nav.resources')}>
          <PageHeader
            title={t('nav.resources')}
            lead={t('resource.lead')}
            actions={ui.principal.org?.status === 'VERIFIED' ? <a class="button primary" href="/resources/new">{t('resource.register.title')}</a> : undefined}
          />
          {awaiting && awaiting.items.length > 0 ? (
            <Section title={t('booking.awaiting')} id="awaiting">
              <ul class="list">
                {awaiting.items.map((booking) => (
                  <BookingItem ui={ui} booking={booking} showResource />
                ))}
              </ul>
            </Section>
          ) : null}
          <form method="get" action="/resources" class="filters card">
            <Select ui={ui} form={filter} name="type" label={t('resource.field.type')} blank={t('resource.allTypes')} options={RESOURCE_TYPES.map((value) => ({ value, label: t(`resource.type.${value}`) }))} />
            <Select ui={ui} form={filter} name="cluster" label={t('org.field.cluster')} blank={t('resource.allClusters')} options={clusterOptions(ui)} />
            <FormSubmit label={t('resource.filter')} variant="secondary" />
          </form>
          {list.items.length > 0 ? (
            <ul class="list">
              {list.items.map((resource) => (
                <li class="item" data-resource-id={resource.id}>
                  <ItemTitle href={`/resources/${resource.id}`} title={resource.name} status="ACTIVE" label={t(`resource.type.${resource.type}`)} tone="ok" />
                  <p class="item-meta">
                    <span class="amount">{priceText(ui, resource.price)}</span>
                    <span>{resource.ownerOrgName ?? resource.ownerOrgId}</span>
                    <span>{resource.location}</span>
                    <span>{clusterLabel(ui, resource.cluster)}</span>
                  </p>
                  <Tags tags={resource.capabilities} />
                </li>
              ))}
            </ul>
          ) : (
            <Empty>{t('resource.empty')}</Empty>
          )}
          <Pager ui={ui} nextCursor={list.nextCursor} />
          {mine && mine.items.length > 0 ? (
            <Section title={t('booking.mine')} id="my-bookings">
              <ul class="list">
                {mine.items.map((booking) => (
                  <BookingItem ui={ui} booking={booking} showResource />
                ))}
              </ul>
            </Section>
          ) : null}
        </Layout>,
      );
    }),
  );

  web.get(
    '/resources/new',
    page((c, ui) => render(c, <RegisterPage ui={ui} form={emptyForm({ cluster: ui.principal.org?.cluster ?? '', 'price.unit': 'PER_HOUR' })} />)),
  );

  web.post(
    '/resources/new',
    action(async (c, ui) => {
      const values = await formOf(c);
      return submitForm(
        values,
        RegisterResourceSchema,
        (read) => {
          const unit = read.optional('price.unit');
          const amount = unit === 'FREE' ? undefined : read.money('price.amount', unit !== undefined);
          return {
            type: read.optional('type'),
            name: read.text('name'),
            description: read.text('description'),
            cluster: read.optional('cluster'),
            capabilities: read.list('capabilities'),
            location: read.text('location'),
            rules: read.text('rules'),
            price: { unit, ...(amount ? { amount } : {}) },
          };
        },
        async (input) => {
          const resource = await registerResource(deps, ui.principal, input);
          flash(c, 'flash.resourceRegistered');
          return c.redirect(`/resources/${resource.id}`, 303);
        },
        async (issues) => render(c, <RegisterPage ui={ui} form={formState(ui, values, issues, REGISTER_FIELDS)} />, 400),
      );
    }),
  );

  const resourcePage = (c: Context, ui: SignedInUi, id: string, form: FormState, status: 200 | 400 = 200) =>
    ResourcePage({ ui, deps, id, form, cursor: c.req.query('cursor') }).then((node) => render(c, node, status));

  web.get(
    '/resources/:id',
    page((c, ui) => resourcePage(c, ui, pathParam(c), emptyForm())),
  );

  web.post(
    '/resources/:id/book',
    action(async (c, ui) => {
      const id = pathParam(c);
      const values = await formOf(c);
      return submitForm(
        values,
        BookResourceSchema,
        (read) => ({ start: read.time('start'), end: read.time('end'), purpose: read.text('purpose'), contractId: read.optional('contractId') }),
        async (input) => {
          await bookResource(deps, ui.principal, id, input);
          flash(c, 'flash.bookingRequested');
          return c.redirect(`/resources/${id}`, 303);
        },
        (issues) => resourcePage(c, ui, id, formState(ui, values, issues, BOOK_FIELDS), 400),
      );
    }),
  );

  const FLASH = { approve: 'flash.bookingApproved', decline: 'flash.bookingDeclined', cancel: 'flash.bookingCancelled' } as const;
  for (const step of ['approve', 'decline', 'cancel'] as const satisfies readonly BookingAction[]) {
    web.post(
      `/bookings/:id/${step}`,
      action(async (c, ui) => {
        const booking = await readBookingById(deps, ui.principal, pathParam(c));
        const values = await formOf(c);
        await actOnBooking(deps, ui.principal, booking.resourceId, booking.id, step, { reason: values.reason?.trim() || undefined });
        flash(c, FLASH[step]);
        return c.redirect(`/resources/${booking.resourceId}`, 303);
      }),
    );
  }
}
