"""Use cases of workshops and their agenda."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Organizer
from ..addresses import public_url
from ..errors import N_, Invalid, NotFound
from ..extensions import db
from ..i18n import LANGUAGES, language_of
from .models import MODERATION_MODES, PROMPT_KINDS, Option, Prompt, Workshop, new_join_code, valid_code
from .record import from_template
from .roles import issue_link
from .templates import load_template

MAX_OPTIONS = 12


def find_workshop(code: str) -> Workshop | None:
    """The workshop of a join code (any case), or None; anything that cannot be a code is None."""
    code = valid_code(code)
    return db.session.scalar(select(Workshop).where(Workshop.code == code)) if code else None


def get_workshop(code: str) -> Workshop:
    workshop = find_workshop(code)
    if workshop is None:
        raise NotFound(N_("No workshop has the code %(code)r."), code=(code or "").strip().upper()[:12])
    return workshop


def create_workshop(
    title: str,
    template: str | None = None,
    organizer: Organizer | None = None,
    moderation: str = "post",
    position_max_length: int = 500,
) -> tuple[Workshop, str]:
    """Create a workshop, optionally from a template; return it and its moderator token."""
    title = (title or "").strip()
    if not title:
        raise Invalid(N_("The title must not be empty."))
    if len(title) > 200:
        raise Invalid(N_("The title may have at most 200 characters."))
    if moderation not in MODERATION_MODES:
        raise Invalid(N_("Moderation must be 'post' or 'pre'."))
    if not 1 <= position_max_length <= 5000:
        raise Invalid(N_("The position length limit must be between 1 and 5000 characters."))
    data = load_template(template) if template else None
    language = language_of((data or {}).get("language")) or "en"
    template_title, title_translations = by_language((data or {}).get("title"), language)
    if template_title and title.startswith(template_title):  # "<the template's title> (demo)"
        title_translations = {lang: text + title[len(template_title):] for lang, text in title_translations.items()}
    else:
        title_translations = {}  # the organizer's own title: its translations are theirs to give
    workshop = Workshop(
        title=title,
        language=language,
        translations=title_translations,
        template=template,
        organizer=organizer,
        moderation=moderation,
        position_max_length=position_max_length,
        agenda=[agenda_item(item, language) for item in data.get("agenda", [])] if data else [],
        session_record=from_template(data.get("session")) if data else {},
    )
    for order, spec in enumerate(data.get("prompts", []) if data else [], start=1):
        text, translations = by_language(spec["text"], language)
        prompt = Prompt(order=order, text=text, translations=translations, kind=spec.get("kind", "single"),
                        minutes=spec.get("minutes"))
        prompt.options = [Option(order=i, label=by_language(label, language)[0],
                                 translations=by_language(label, language)[1])
                          for i, label in enumerate(spec.get("options", []), start=1)]
        workshop.prompts.append(prompt)
    _insert_with_unique_code(workshop)
    if workshop.agenda:  # each item names its prompt by order in the template; keep the prompt's id
        ids = {p.order: p.id for p in workshop.prompts}
        workshop.agenda = [{**item, "prompt_id": ids.get(item.get("prompt"))} for item in workshop.agenda]
    _, token = issue_link(workshop, "moderator", "onsite")  # create-workshop's link: an onsite moderator
    return workshop, token


def _insert_with_unique_code(workshop: Workshop, attempts: int = 8) -> None:
    for _ in range(attempts):
        workshop.code = new_join_code()
        savepoint = db.session.begin_nested()
        db.session.add(workshop)
        try:
            savepoint.commit()
            return
        except IntegrityError:
            savepoint.rollback()
    raise RuntimeError("could not find a free join code")


def describe(workshop: Workshop, moderator_token: str | None = None) -> dict:
    """Return the contract's JSON description of a workshop (CONTRACT §1)."""
    data = {
        "id": workshop.id,
        "code": workshop.code,
        "title": workshop.title,
        "participant_url": public_url(f"/j/{workshop.code}"),
        "moderator_url": public_url(f"/m/{workshop.code}"),
    }
    if moderator_token is not None:
        data["moderator_token"] = moderator_token
    data["prompts"] = [prompt_dict(p) for p in workshop.prompts]
    return data


def by_language(value, language: str) -> tuple[str, dict]:
    """A template's text, given as a string or per language ({"en": ..., "fr": ...}): the text in
    the workshop's language (else the first given) and the others as translations."""
    if not isinstance(value, dict):
        return (value or ""), {}
    texts = {code: str(text).strip() for key, text in value.items()
             if (code := language_of(key)) and isinstance(text, str) and text.strip()}
    original = texts.pop(language, None) or next(iter(value.values()), "")
    return original, texts


def agenda_item(item: dict, language: str) -> dict:
    title, translations = by_language(item.get("title"), language)
    return {**item, "title": title, **({"translations": translations} if translations else {})}


def with_translations(out: dict, translations: dict | None) -> dict:
    """A payload object with its "translations" ({"fr": "..."}), when it has any (CONTRACT §11)."""
    if translations:
        out["translations"] = translations
    return out


def prompt_dict(prompt: Prompt, translations: bool = False) -> dict:
    """The prompt as `create-workshop` prints it (CONTRACT §1); live payloads add the
    translations the workshop gives (§11)."""
    tr = with_translations if translations else (lambda out, _translations: out)
    return tr({
        "id": prompt.id,
        "order": prompt.order,
        "text": prompt.text,
        "kind": prompt.kind,
        "options": [tr({"id": o.id, "label": o.label}, o.translations) for o in prompt.options],
    }, prompt.translations)


# -- editing the agenda while a draft ---------------------------------------------------


def _clean_options(labels: list[str]) -> list[str]:
    cleaned = [label.strip() for label in labels if label and label.strip()]
    if len(cleaned) < 2:
        raise Invalid(N_("A question needs at least two options."))
    if len(cleaned) > MAX_OPTIONS:
        raise Invalid.ngettext("A question may have at most %(num)d option.",
                               "A question may have at most %(num)d options.", MAX_OPTIONS)
    if len({c.casefold() for c in cleaned}) != len(cleaned):
        raise Invalid(N_("Two options have the same label."))
    if any(len(c) > 200 for c in cleaned):
        raise Invalid(N_("An option label may have at most 200 characters."))
    return cleaned


def _check_prompt(text: str, kind: str) -> str:
    text = (text or "").strip()
    if not text:
        raise Invalid(N_("The question must not be empty."))
    if kind not in PROMPT_KINDS:
        raise Invalid(N_("The kind must be 'single' or 'multiple'."))
    return text


def rename_workshop(workshop: Workshop, title: str) -> None:
    workshop.ensure_draft()
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise Invalid(N_("The title must have 1 to 200 characters."))
    workshop.title = title
    db.session.flush()


def add_prompt(workshop: Workshop, text: str, kind: str, option_labels: list[str]) -> Prompt:
    workshop.ensure_draft()
    text = _check_prompt(text, kind)
    labels = _clean_options(option_labels)
    order = max((p.order for p in workshop.prompts), default=0) + 1
    prompt = Prompt(order=order, text=text, kind=kind)
    prompt.options = [Option(order=i, label=label) for i, label in enumerate(labels, start=1)]
    workshop.prompts.append(prompt)
    db.session.flush()
    return prompt


def update_prompt(prompt: Prompt, text: str, kind: str, option_labels: list[str]) -> None:
    """Replace a draft prompt's text, kind and options (options keep their ids by place)."""
    prompt.workshop.ensure_draft()
    prompt.text = _check_prompt(text, kind)
    prompt.kind = kind
    labels = _clean_options(option_labels)
    existing = list(prompt.options)
    for option, label in zip(existing, labels):
        option.label = label
    for option in existing[len(labels):]:
        prompt.options.remove(option)
    db.session.flush()
    for i, label in enumerate(labels[len(existing):], start=len(existing) + 1):
        prompt.options.append(Option(order=i, label=label))
    db.session.flush()


def delete_prompt(prompt: Prompt) -> None:
    workshop = prompt.workshop
    workshop.ensure_draft()
    workshop.prompts.remove(prompt)
    db.session.flush()
    _renumber(workshop, [p for p in workshop.prompts])


def move_prompt(prompt: Prompt, delta: int) -> None:
    """Move a draft prompt up (-1) or down (+1) the agenda."""
    workshop = prompt.workshop
    workshop.ensure_draft()
    prompts = list(workshop.prompts)
    index = prompts.index(prompt)
    target = index + delta
    if not 0 <= target < len(prompts):
        return
    prompts[index], prompts[target] = prompts[target], prompts[index]
    _renumber(workshop, prompts)


def _renumber(workshop: Workshop, prompts: list[Prompt]) -> None:
    # Two passes so the unique (workshop, order) constraint never sees a duplicate.
    for i, p in enumerate(prompts, start=1):
        p.order = -i
    db.session.flush()
    for i, p in enumerate(prompts, start=1):
        p.order = i
    db.session.flush()
    db.session.expire(workshop, ["prompts"])


def set_language(workshop: Workshop, language: str) -> None:
    """Say which language the title, questions and options are written in (the workshop's default
    for participants, CONTRACT §11). Where a text has a translation into the new language, the two
    swap: that translation becomes the original and the old original its translation, so no text
    is lost."""
    workshop.ensure_draft()
    if language not in LANGUAGES:
        raise Invalid(N_("Choose one of the six languages."))
    old = workshop.language
    if language == old:
        return
    texts = [(workshop, "title")] + [(p, "text") for p in workshop.prompts] + [
        (o, "label") for p in workshop.prompts for o in p.options]
    for item, attribute in texts:
        translations = dict(item.translations or {})
        if translations.get(language):
            translations[old] = getattr(item, attribute)
            setattr(item, attribute, translations.pop(language))
            item.translations = translations
    workshop.language = language
    db.session.flush()


#: Longest translation of each kind of text, as long as the original may be.
TRANSLATION_MAX = {"title": 200, "text": 2000, "label": 200}


def set_translations(workshop: Workshop, translations: dict[tuple[str, int], dict[str, str]]) -> None:
    """Replace the translations of a draft workshop's texts. Keys are ("title", 0), ("prompt", id)
    or ("option", id); values {"fr": "..."}: a blank text removes that translation. Nothing is saved
    unless every text is valid."""
    workshop.ensure_draft()
    items = {("title", 0): (workshop, "title")}
    for prompt in workshop.prompts:
        items[("prompt", prompt.id)] = (prompt, "text")
        items.update({("option", o.id): (o, "label") for o in prompt.options})
    changes = []
    for key, texts in translations.items():
        if key not in items:
            raise NotFound(N_("That question does not exist in this workshop."))
        item, attribute = items[key]
        kept = dict(item.translations or {})
        for language, text in texts.items():
            if language not in LANGUAGES or language == workshop.language:
                raise Invalid(N_("Choose one of the six languages."))
            text = " ".join(text.split()) if attribute != "text" else (text or "").strip()
            if len(text) > TRANSLATION_MAX[attribute]:
                raise Invalid(N_("A translation may be at most as long as its original may be."))
            if text:
                kept[language] = text
            else:
                kept.pop(language, None)
        changes.append((item, kept))
    for item, kept in changes:
        item.translations = kept  # a new dict: the JSON column sees the change
    db.session.flush()


def find_prompt(workshop: Workshop, prompt_id: int) -> Prompt:
    prompt = db.session.get(Prompt, prompt_id)
    if prompt is None or prompt.workshop_id != workshop.id:
        raise NotFound(N_("That question does not exist in this workshop."))
    return prompt
