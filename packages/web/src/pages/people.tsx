import type { Context, Hono } from 'hono';
import { NotFoundError, PERSON_KINDS, ROSTER_KINDS, type PersonKind, type StudentRecord } from '@sharedtech/core';
import type { WebDeps } from '../deps.js';
import {
  CreatePersonSchema, LogParticipationSchema, addPerson, getOrganisationOrThrow, listCollegeStudentRecords, listParticipation, listPeople, logParticipation,
  readCollegeEducationStatistics, readContract, readStudentRecord, removePerson, signOffParticipation, type ParticipationView,
} from '@sharedtech/services';
import { ActionButton, ErrorSummary, FormSubmit, Select, TextInput } from '../components/form.js';
import { Layout } from '../components/layout.js';
import { Empty, Facts, PageHeader, Pager, Section, TableScroll, Time } from '../components/ui.js';
import { flash, formOf, pageKit, pathParam, queryChoice, render, type SignedInUi, type Ui } from '../context.js';
import { emptyForm, formState, submitForm, type FormState } from '../forms.js';

const PERSON_FIELDS = ['kind', 'name', 'programme', 'year', 'title', 'memberSub'] as const;
const PARTICIPATION_FIELDS = ['personId', 'hours', 'role', 'tasks'] as const;
const RECORD_ID = /^rec_[0-9A-HJKMNP-TV-Z]{26}$/;

const kindLabel = (ui: Ui, kind: PersonKind) => ui.t(`person.kind.${kind}`);

/** The roster of the caller's organisation: who is on it, and a form to add someone. */
async function RosterPage({ ui, deps, form, kind, cursor }: { ui: SignedInUi; deps: WebDeps; form: FormState; kind?: PersonKind; cursor?: string }) {
  const t = ui.t;
  const org = ui.principal.org!;
  const people = await listPeople(deps, ui.principal, org.id, { kind, cursor });
  const kinds = ROSTER_KINDS[org.type];
  const labels: Record<(typeof PERSON_FIELDS)[number], string> = {
    kind: t('person.field.kind'),
    name: t('person.field.name'),
    programme: t('person.field.programme'),
    year: t('person.field.year'),
    title: t('person.field.title'),
    memberSub: t('person.field.memberSub'),
  };
  return (
    <Layout ui={ui} title={t('nav.people')}>
      <PageHeader title={t('nav.people')} lead={t('person.lead')} />
      <Section title={t('person.list', { org: org.name })}>
        <form method="get" action="/people" class="filters">
          <div class="field">
            <label for="filter-kind">{t('person.field.kind')}</label>
            <select id="filter-kind" name="kind">
              <option value="">{t('person.allKinds')}</option>
              {kinds.map((value) => (
                <option value={value} selected={value === kind}>
                  {kindLabel(ui, value)}
                </option>
              ))}
            </select>
          </div>
          <FormSubmit label={t('resource.filter')} variant="secondary" />
        </form>
        {people.items.length > 0 ? (
          <TableScroll label={t('nav.people')}>
            <table data-roster>
              <thead>
                <tr>
                  <th scope="col">{labels.name}</th>
                  <th scope="col">{labels.kind}</th>
                  <th scope="col">{t('person.details')}</th>
                  <th scope="col">{t('person.records')}</th>
                  <th scope="col"><span class="visually-hidden">{t('person.actions')}</span></th>
                </tr>
              </thead>
              <tbody>
                {people.items.map((person) => (
                  <tr data-person-id={person.id}>
                    <td>{person.name}</td>
                    <td>{kindLabel(ui, person.kind)}</td>
                    <td>{[person.programme, person.year ? t('person.yearValue', { year: person.year }) : undefined, person.title, person.memberSub ? t('person.linked') : undefined].filter(Boolean).join(' · ') || '—'}</td>
                    <td>{String(person.recordsIssued ?? 0)}</td>
                    <td>
                      <ActionButton action={`/people/${person.id}/remove`} label={t('person.remove')} variant="danger" confirm={t('person.removeConfirm', { name: person.name })} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        ) : (
          <Empty>{t('person.empty')}</Empty>
        )}
        <Pager ui={ui} nextCursor={people.nextCursor} />
      </Section>
      {kinds.length > 0 ? (
        <Section title={t('person.add')}>
          <form method="post" action="/people" class="stack" novalidate>
            <ErrorSummary ui={ui} form={form} labels={labels} />
            <div class="row two">
              <Select ui={ui} form={form} name="kind" required label={labels.kind} blank={t('form.choose')} options={kinds.map((value) => ({ value, label: kindLabel(ui, value) }))} />
              <TextInput ui={ui} form={form} name="name" required label={labels.name} maxlength={60} />
            </div>
            <div class="row two">
              <TextInput ui={ui} form={form} name="programme" label={labels.programme} hint={t('person.field.programmeHint')} maxlength={60} />
              <TextInput ui={ui} form={form} name="year" inputmode="numeric" label={labels.year} hint={t('person.field.yearHint')} />
            </div>
            <div class="row two">
              <TextInput ui={ui} form={form} name="title" label={labels.title} maxlength={60} />
              <TextInput ui={ui} form={form} name="memberSub" label={labels.memberSub} hint={t('person.field.memberSubHint')} maxlength={200} />
            </div>
            <FormSubmit label={t('person.add')} variant="primary" />
          </form>
        </Section>
      ) : null}
    </Layout>
  );
}

const signature = (ui: Ui, signOff: ParticipationView['teacherSignOff']) =>
  signOff ? (
    <span>
      ✓ {signOff.name ?? signOff.sub} · <Time ui={ui} iso={signOff.at} />
    </span>
  ) : (
    <span class="muted">{ui.t('participation.awaiting')}</span>
  );

/** A contract's participation, milestone by milestone: the studio logs, the teacher and the enterprise mentor sign off. */
async function ParticipationPage({ ui, deps, contractId, form, formN }: { ui: SignedInUi; deps: WebDeps; contractId: string; form: FormState; formN?: number }) {
  const t = ui.t;
  const contract = await readContract(deps, ui.principal, contractId);
  const lists = await Promise.all(contract.milestones.map((milestone) => listParticipation(deps, ui.principal, contract.id, milestone.n)));
  const isStudio = ui.principal.membership?.orgId === contract.studioOrgId;
  const students = (contract.team?.people ?? []).filter((person) => person.kind === 'STUDENT');
  const active = contract.status === 'ACTIVE';
  const labels: Record<(typeof PARTICIPATION_FIELDS)[number], string> = {
    personId: t('participation.field.student'),
    hours: t('participation.field.hours'),
    role: t('participation.field.role'),
    tasks: t('participation.field.tasks'),
  };
  return (
    <Layout ui={ui} title={t('participation.title')}>
      <PageHeader
        title={t('participation.title')}
        lead={t('participation.lead', { title: contract.title })}
        back={{ href: `/contracts/${contract.id}`, label: contract.title }}
      />
      <Section title={t('participation.team')}>
        <Facts
          items={[
            [t('bid.team.teachers'), contract.team?.teachers.join('、') || '—'],
            [t('bid.team.students'), students.map((person) => [person.name, person.programme].filter(Boolean).join(' · ')).join('、') || '—'],
            [t('participation.mentor'), contract.enterpriseMentor?.name ?? '—'],
          ]}
        />
        {students.length === 0 ? <p class="muted">{t('participation.noRosterStudents')}</p> : null}
      </Section>
      {contract.milestones.map((milestone, index) => {
        const list = lists[index]!;
        const awaiting = list.signAs ? list.items.filter((entry) => !(list.signAs === 'TEACHER' ? entry.teacherSignOff : entry.mentorSignOff)) : [];
        const milestoneForm = formN === milestone.n ? form : emptyForm();
        return (
          <Section title={t('participation.milestone', { n: milestone.n, title: milestone.title })} id={`m${milestone.n}`}>
            {list.items.length > 0 ? (
              <TableScroll label={t('participation.milestone', { n: milestone.n, title: milestone.title })}>
                <table data-participation={milestone.n}>
                  <thead>
                    <tr>
                      <th scope="col">{labels.personId}</th>
                      <th scope="col">{labels.hours}</th>
                      <th scope="col">{labels.tasks}</th>
                      <th scope="col">{t('participation.teacherSignOff')}</th>
                      <th scope="col">{t('participation.mentorSignOff')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.items.map((entry) => (
                      <tr data-person-id={entry.personId} data-signed-off={entry.signedOff ? 'true' : 'false'}>
                        <td>{[entry.name, entry.programme].filter(Boolean).join(' · ')}</td>
                        <td>{String(entry.hours)}</td>
                        <td>{[entry.role, entry.tasks.join('、')].filter(Boolean).join(' · ')}</td>
                        <td>{signature(ui, entry.teacherSignOff)}</td>
                        <td>{signature(ui, entry.mentorSignOff)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            ) : (
              <Empty>{t('participation.empty')}</Empty>
            )}
            {active && awaiting.length > 0 ? (
              <div class="actions">
                <ActionButton
                  action={`/contracts/${contract.id}/participation/${milestone.n}/sign-off`}
                  label={t(list.signAs === 'TEACHER' ? 'participation.signAsTeacher' : 'participation.signAsMentor', { count: awaiting.length })}
                  variant="primary"
                />
              </div>
            ) : null}
            {active && isStudio && students.length > 0 ? (
              <form method="post" action={`/contracts/${contract.id}/participation/${milestone.n}`} class="stack" novalidate data-log={milestone.n}>
                <ErrorSummary ui={ui} form={milestoneForm} scope={`m${milestone.n}`} labels={labels} />
                <div class="row two">
                  <Select ui={ui} form={milestoneForm} name="personId" required label={labels.personId} blank={t('form.choose')} options={students.map((person) => ({ value: person.personId, label: person.name }))} />
                  <TextInput ui={ui} form={milestoneForm} name="hours" inputmode="numeric" required label={labels.hours} />
                </div>
                <div class="row two">
                  <TextInput ui={ui} form={milestoneForm} name="role" label={labels.role} maxlength={60} />
                  <TextInput ui={ui} form={milestoneForm} name="tasks" required label={labels.tasks} hint={t('participation.field.tasksHint')} />
                </div>
                <FormSubmit label={t('participation.log')} variant="secondary" />
              </form>
            ) : null}
          </Section>
        );
      })}
    </Layout>
  );
}

/** A student's record of a project: printable (the site's print CSS hides menus and forms). */
function RecordPage({ ui, record, studio, enterprise, college }: { ui: SignedInUi; record: StudentRecord; studio?: string; enterprise?: string; college?: string }) {
  const t = ui.t;
  return (
    <Layout ui={ui} title={t('record.title', { name: record.name })}>
      <article class="student-record card" data-record-id={record.id}>
        <header class="record-head">
          <p class="record-kicker">{t('record.kicker')}</p>
          <h1>{t('record.title', { name: record.name })}</h1>
          <p class="record-project">{record.title}</p>
        </header>
        <Facts
          items={[
            [t('person.field.name'), record.name],
            [t('person.field.programme'), record.programme ?? '—'],
            [t('person.field.year'), record.year ? String(record.year) : '—'],
            [t('record.studio'), studio ?? record.studioOrgId],
            [t('record.enterprise'), enterprise ?? record.enterpriseOrgId],
            ...(record.collegeOrgId ? [[t('record.college'), college ?? record.collegeOrgId] as [string, string]] : []),
            [t('bid.team.teachers'), record.teachers.join('、') || '—'],
            [t('participation.mentor'), record.mentor ?? '—'],
            [t('record.hours'), <strong data-record-hours>{String(record.hours)}</strong>],
            [t('record.issuedAt'), <Time ui={ui} iso={record.issuedAt} dateOnly />],
          ]}
        />
        <h2>{t('record.work')}</h2>
        <table class="record-table">
          <thead>
            <tr>
              <th scope="col">{t('record.milestone')}</th>
              <th scope="col">{t('participation.field.hours')}</th>
              <th scope="col">{t('participation.field.role')}</th>
              <th scope="col">{t('participation.field.tasks')}</th>
              <th scope="col">{t('participation.teacherSignOff')}</th>
              <th scope="col">{t('participation.mentorSignOff')}</th>
            </tr>
          </thead>
          <tbody>
            {record.milestones.map((milestone) => (
              <tr>
                <td>{`${milestone.n}. ${milestone.title}`}</td>
                <td>{String(milestone.hours)}</td>
                <td>{milestone.role ?? '—'}</td>
                <td>{milestone.tasks.join('、')}</td>
                <td>{signature(ui, milestone.teacherSignOff)}</td>
                <td>{signature(ui, milestone.mentorSignOff)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p class="record-foot">{t('record.foot', { id: record.id })}</p>
      </article>
      <p class="actions no-print">
        <button type="button" class="button secondary" data-print>{t('record.print')}</button>
      </p>
    </Layout>
  );
}

/** Roster, participation and sign-off, student records (issue 14: people and education outcomes). */
export function peoplePages(web: Hono, deps: WebDeps) {
  const { page, action } = pageKit(deps);

  const roster = (c: Context, ui: SignedInUi, form: FormState, status: 200 | 400 = 200) =>
    RosterPage({ ui, deps, form, kind: queryChoice(c, 'kind', PERSON_KINDS), cursor: c.req.query('cursor') }).then((body) => render(c, body, status));

  web.get('/people', page(async (c, ui) => (ui.principal.org ? roster(c, ui, emptyForm()) : c.redirect('/org/new', 303))));

  web.post(
    '/people',
    action(async (c, ui) => {
      const values = await formOf(c);
      return submitForm(
        values,
        CreatePersonSchema,
        (read) => ({
          kind: read.optional('kind'),
          name: read.text('name'),
          programme: read.optional('programme'),
          year: read.int('year', false),
          title: read.optional('title'),
          memberSub: read.optional('memberSub'),
        }),
        async (input) => {
          await addPerson(deps, ui.principal, ui.principal.org?.id ?? '', input);
          flash(c, 'flash.personAdded');
          return c.redirect('/people', 303);
        },
        async (issues) => roster(c, ui, formState(ui, values, issues, PERSON_FIELDS), 400),
      );
    }),
  );

  web.post(
    '/people/:id/remove',
    action(async (c, ui) => {
      await removePerson(deps, ui.principal, ui.principal.org?.id ?? '', pathParam(c));
      flash(c, 'flash.personRemoved');
      return c.redirect('/people', 303);
    }),
  );

  const participation = (c: Context, ui: SignedInUi, contractId: string, form: FormState = emptyForm(), formN?: number, status: 200 | 400 = 200) =>
    ParticipationPage({ ui, deps, contractId, form, formN }).then((body) => render(c, body, status));

  web.get('/contracts/:id/participation', page(async (c, ui) => participation(c, ui, pathParam(c))));

  const milestoneN = (c: Context) => {
    const n = Number(c.req.param('n'));
    if (!/^\d{1,4}$/.test(c.req.param('n') ?? '') || n < 1) throw new NotFoundError('Page', c.req.path);
    return n;
  };

  web.post(
    '/contracts/:id/participation/:n',
    action(async (c, ui) => {
      const id = pathParam(c);
      const n = milestoneN(c);
      const values = await formOf(c);
      return submitForm(
        values,
        LogParticipationSchema,
        (read) => ({ personId: read.optional('personId'), hours: read.int('hours'), role: read.optional('role'), tasks: read.list('tasks') }),
        async (input) => {
          await logParticipation(deps, ui.principal, id, n, input);
          flash(c, 'flash.participationLogged');
          return c.redirect(`/contracts/${id}/participation#m${n}`, 303);
        },
        async (issues) => participation(c, ui, id, formState(ui, values, issues, PARTICIPATION_FIELDS), n, 400),
      );
    }),
  );

  web.post(
    '/contracts/:id/participation/:n/sign-off',
    action(async (c, ui) => {
      const id = pathParam(c);
      const n = milestoneN(c);
      await signOffParticipation(deps, ui.principal, id, n, {});
      flash(c, 'flash.participationSigned');
      return c.redirect(`/contracts/${id}/participation#m${n}`, 303);
    }),
  );

  web.get(
    '/records/:id',
    page(async (c, ui) => {
      const record = await readStudentRecord(deps, ui.principal, pathParam(c, 'id', RECORD_ID));
      const [studio, enterprise, college] = await Promise.all(
        [record.studioOrgId, record.enterpriseOrgId, record.collegeOrgId].map((orgId) => (orgId ? getOrganisationOrThrow(deps, orgId).then((org) => org.name).catch(() => undefined) : undefined)),
      );
      return render(c, <RecordPage ui={ui} record={record} studio={studio} enterprise={enterprise} college={college} />);
    }),
  );

  web.get(
    '/college/student-records',
    page(async (c, ui) => {
      const t = ui.t;
      const collegeId = ui.principal.org?.id ?? '';
      const [records, stats] = await Promise.all([
        listCollegeStudentRecords(deps, ui.principal, collegeId, { cursor: c.req.query('cursor') }),
        readCollegeEducationStatistics(deps, ui.principal, collegeId),
      ]);
      return render(
        c,
        <Layout ui={ui} title={t('nav.studentRecords')}>
          <PageHeader title={t('nav.studentRecords')} lead={t('record.collegeLead')} />
          <Section title={t('record.byProgramme')}>
            {stats.programmes.length > 0 ? (
              <TableScroll label={t('record.byProgramme')}>
                <table data-programmes>
                  <thead>
                    <tr>
                      <th scope="col">{t('person.field.programme')}</th>
                      <th scope="col">{t('record.students')}</th>
                      <th scope="col">{t('record.hours')}</th>
                      <th scope="col">{t('record.projects')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {stats.programmes.map((row) => (
                      <tr data-programme={row.programme}>
                        <td>{row.programme}</td>
                        <td>{String(row.students)}</td>
                        <td>{String(row.hours)}</td>
                        <td>{String(row.projects)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            ) : (
              <Empty>{t('record.noFigures')}</Empty>
            )}
          </Section>
          <Section title={t('record.list')}>
            {records.items.length > 0 ? (
              <ul class="list">
                {records.items.map((record) => (
                  <li class="item" data-record-id={record.id}>
                    <a href={`/records/${record.id}`}>{`${record.name} · ${record.title}`}</a>
                    <p class="item-meta">
                      <span>{record.programme ?? '—'}</span>
                      <span>{t('record.hoursValue', { hours: record.hours })}</span>
                      <Time ui={ui} iso={record.issuedAt} dateOnly />
                    </p>
                  </li>
                ))}
              </ul>
            ) : (
              <Empty>{t('record.empty')}</Empty>
            )}
            <Pager ui={ui} nextCursor={records.nextCursor} />
          </Section>
        </Layout>,
      );
    }),
  );
}
