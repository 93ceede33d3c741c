import type { FC } from 'hono/jsx';
import { affiliatedCollegeOf, type Person } from '@sharedtech/core';
import { listPeople } from '@sharedtech/services';
import type { WebDeps } from '../deps.js';
import type { FormValues, SignedInUi, Ui } from '../context.js';
import { fieldId, type FormState } from '../forms.js';

/** Form fields of a team picked from the roster: one checkbox per person, `team.person.<id>`. */
const PERSON_FIELD = 'team.person.';
export const teamPersonField = (personId: string) => `${PERSON_FIELD}${personId}`;

/** The person ids a posted form picked. */
export const pickedPersonIds = (values: FormValues) =>
  Object.entries(values)
    .filter(([name, value]) => name.startsWith(PERSON_FIELD) && value === 'on')
    .map(([name]) => name.slice(PERSON_FIELD.length));

/** Teachers and students a studio may name: its own roster and its college's (the first 100 of each). */
export async function teamRoster(deps: WebDeps, ui: SignedInUi): Promise<Person[]> {
  const org = ui.principal.org;
  if (!org || org.type !== 'STUDIO') return [];
  const orgIds = [org.id, ...(affiliatedCollegeOf(org) ? [affiliatedCollegeOf(org)!] : [])];
  const pages = await Promise.all(orgIds.map((orgId) => listPeople(deps, ui.principal, orgId, { limit: 100 }).catch(() => ({ items: [] }))));
  return pages.flatMap((page) => page.items.filter((person) => person.kind !== 'ENGINEER')) as Person[];
}

/**
 * Checkboxes of the roster people for a bid's team (the only way to name it).
 * Without a teacher on the roster there is no valid team: the picker says so
 * and links to the studio's roster. `oldNames`: a bid's older free-text team,
 * shown read only (kept unless roster people are picked).
 */
export const RosterPicker: FC<{ ui: Ui; form: FormState; roster: Person[]; oldNames?: string[] }> = ({ ui, form, roster, oldNames }) => (
  <fieldset class={form.errors['team.personIds'] ? 'roster-picker has-error' : 'roster-picker'} id={fieldId('team.personIds')} tabindex={-1} data-roster-picker>
    <legend>{ui.t('bid.team.roster')}</legend>
    {oldNames ? (
      <div data-old-team>
        <p>{ui.t('bid.team.oldNames', { names: oldNames.join('、') || '—' })}</p>
        <p class="hint">{ui.t('bid.team.oldNamesHint')}</p>
      </div>
    ) : (
      <p class="hint">{ui.t('bid.team.rosterHint')}</p>
    )}
    {form.errors['team.personIds'] ? <p class="error">{form.errors['team.personIds']}</p> : null}
    {roster.some((person) => person.kind === 'TEACHER') ? null : (
      <p class="notice" data-no-teacher>
        {ui.t('bid.team.noTeacher')} <a href="/people">{ui.t('bid.team.addPeople')}</a>
      </p>
    )}
    {roster.length > 0 ? (
      <ul class="plain">
        {roster.map((person) => (
          <li>
            <label class="check">
              <input type="checkbox" name={teamPersonField(person.id)} checked={form.values[teamPersonField(person.id)] === 'on'} />{' '}
              {[person.name, ui.t(`person.kind.${person.kind}`), person.programme].filter(Boolean).join(' · ')}
            </label>
          </li>
        ))}
      </ul>
    ) : null}
  </fieldset>
);
