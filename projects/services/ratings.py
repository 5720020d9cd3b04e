"""Writes of resident satisfaction (居民满意度评价): surveys, question sets, one-time codes, responses.

Abuse resistance (what Decidim's anonymous surveys lack, its issue #7438): a response with a one-time code
consumes the code with one conditional UPDATE, and the response's unique ``one_time_code`` column makes a
parallel second use fail in the database, so a code is counted once. Without a code (if the survey accepts
open answers) the answers are limited per client address and per device (a signed cookie) through the
Django cache, whose counters are atomic on Redis and in local memory, and the same answers from the same
device or address within ``duplicate_window`` seconds are refused as a duplicate. Every refusal is an
``ApplicationError`` with a translated message.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit import audit_record
from governance.exceptions import ApplicationError
from governance.tenancy import actor_or_none, require_tenant
from projects.models.ratings import (
    COMMENT_TEXT,
    MAX_QUESTIONS,
    ONE_TIME_CODE_LENGTH,
    QUESTION_TEXT,
    SHORT_CODE_LENGTH,
    DefaultRatingQuestion,
    RatingAnswer,
    RatingChannel,
    RatingCode,
    RatingLink,
    RatingQuestion,
    RatingResponse,
    RatingSurvey,
)

# Printed codes leave out 0/O, 1/I/L so that a resident can type them from paper.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SHORT_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"  # RFC 4648 base32, lower case for a short link
MAX_CODES_PER_BATCH = 500
BUILTIN_QUESTIONS = ("服务态度", "服务质量", "服务效果", "总体满意度")


@dataclass(frozen=True)
class Limits:
    ip_per_hour: int = 20  # open answers per survey and address (a community centre shares one address)
    device_per_day: int = 2  # open answers per survey and device (a household shares one phone)
    attempts_per_10min: int = 60  # any submission per address, also refused ones: a flood is cut off early
    duplicate_window: int = 600  # seconds


def limits() -> Limits:
    return Limits(**getattr(settings, "RATING_LIMITS", {}))


def _random(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _i in range(length))


def _normalise_questions(texts) -> list[str]:
    cleaned = [" ".join(str(text).split()) for text in texts]
    cleaned = [text for text in cleaned if text]
    if not cleaned:
        raise ApplicationError(_("Give at least one question."))
    if len(cleaned) > MAX_QUESTIONS:
        raise ApplicationError(_("At most %(n)s questions.") % {"n": MAX_QUESTIONS})
    if any(len(text) > QUESTION_TEXT for text in cleaned):
        raise ApplicationError(_("A question has at most %(n)s characters.") % {"n": QUESTION_TEXT})
    if len(set(cleaned)) != len(cleaned):
        raise ApplicationError(_("Each question may appear only once."))
    return cleaned


def default_question_texts() -> list[str]:
    rows = list(DefaultRatingQuestion.objects.order_by("position", "id").values_list("text", flat=True))
    return rows or list(BUILTIN_QUESTIONS)


@transaction.atomic
def default_questions_set(*, actor, texts) -> list[DefaultRatingQuestion]:
    """Replace the tenant's default question set (used by surveys opened from now on)."""
    tenant = require_tenant()
    cleaned = _normalise_questions(texts)
    before = default_question_texts()
    DefaultRatingQuestion.objects.all().delete()
    rows = DefaultRatingQuestion.objects.bulk_create(
        [DefaultRatingQuestion(tenant=tenant, text=text, position=i) for i, text in enumerate(cleaned, 1)])
    audit_record(actor=actor, action="rating.questions", tenant=tenant, object_repr=_("Default rating questions"),
                 changes={"questions": [before, cleaned]})
    return rows


@transaction.atomic
def survey_open(*, actor, contract, allow_open_answers: bool = True) -> RatingSurvey:
    """The contract's survey with the tenant's default questions and a fresh short code."""
    tenant = require_tenant(contract.tenant)
    if RatingSurvey.objects.filter(contract=contract).exists():
        raise ApplicationError(_("This contract already has a rating survey."))
    for _attempt in range(5):
        code = _random(SHORT_ALPHABET, SHORT_CODE_LENGTH)
        if not RatingLink.objects.filter(code=code).exists():
            break
    else:  # pragma: no cover  (2**40 codes)
        raise ApplicationError(_("No free short code was found; try again."))
    RatingLink.objects.create(code=code, tenant=tenant)
    survey = RatingSurvey(tenant=tenant, contract=contract, code=code, allow_open_answers=allow_open_answers,
                          created_by=actor_or_none(actor))
    survey.full_clean()
    survey.save()
    RatingQuestion.objects.bulk_create([RatingQuestion(tenant=tenant, survey=survey, text=text, position=i)
                                        for i, text in enumerate(default_question_texts(), 1)])
    audit_record(actor=actor, action="rating.survey_open", obj=survey,
                 changes={"code": [None, code], "allow_open_answers": [None, allow_open_answers]})
    return survey


@transaction.atomic
def survey_update(*, actor, survey, is_open: bool, allow_open_answers: bool, questions=None) -> RatingSurvey:
    """Open/close the survey, allow open answers, and (while nobody has answered) change its questions."""
    require_tenant(survey.tenant)
    changes = {}
    for field, value in (("is_open", bool(is_open)), ("allow_open_answers", bool(allow_open_answers))):
        if getattr(survey, field) != value:
            changes[field] = [getattr(survey, field), value]
            setattr(survey, field, value)
    if changes:
        survey.save(update_fields=list(changes))
    if questions is not None:
        cleaned = _normalise_questions(questions)
        current = list(survey.questions.order_by("position").values_list("text", flat=True))
        if cleaned != current:
            if RatingAnswer.objects.filter(question__survey=survey).exists():
                raise ApplicationError(_("Residents have already answered: the questions can no longer change."))
            survey.questions.all().delete()
            RatingQuestion.objects.bulk_create([RatingQuestion(tenant=survey.tenant, survey=survey, text=text,
                                                               position=i) for i, text in enumerate(cleaned, 1)])
            changes["questions"] = [current, cleaned]
    if changes:
        audit_record(actor=actor, action="rating.survey_update", obj=survey, changes=changes)
    return survey


@transaction.atomic
def codes_generate(*, actor, survey, count: int, label: str = "") -> list[RatingCode]:
    """A batch of one-time codes (one per service event or household) to print or export."""
    require_tenant(survey.tenant)
    label = " ".join(str(label or "").split())
    if not isinstance(count, int) or not 1 <= count <= MAX_CODES_PER_BATCH:
        raise ApplicationError(_("Generate between 1 and %(n)s codes at a time.") % {"n": MAX_CODES_PER_BATCH})
    if len(label) > 100:
        raise ApplicationError(_("The label has at most 100 characters."))
    batch = (RatingCode.objects.filter(survey=survey).order_by("-batch").values_list("batch", flat=True).first()
             or 0) + 1
    taken = set()
    codes = []
    while len(codes) < count:
        code = _random(CODE_ALPHABET, ONE_TIME_CODE_LENGTH)
        if code not in taken:
            taken.add(code)
            codes.append(RatingCode(tenant=survey.tenant, survey=survey, code=code, label=label, batch=batch,
                                    created_by=actor_or_none(actor)))
    try:
        with transaction.atomic():
            rows = RatingCode.objects.bulk_create(codes)
    except IntegrityError:  # pragma: no cover  (a clash among 31**10 codes)
        raise ApplicationError(_("Code generation clashed with an existing code; try again.")) from None
    audit_record(actor=actor, action="rating.codes_generate", obj=survey,
                 changes={"batch": [None, batch], "count": [None, count], "label": [None, label]})
    return rows


def normalise_code(value) -> str:
    return "".join(str(value or "").split()).upper().replace("-", "")[:ONE_TIME_CODE_LENGTH + 4]


def _clean_answers(survey, answers, comment) -> tuple[list[tuple[RatingQuestion, int]], str]:
    questions = list(survey.questions.order_by("position", "id"))
    if not questions:
        raise ApplicationError(_("This survey has no questions."))
    cleaned = []
    for question in questions:
        raw = answers.get(question.pk, answers.get(str(question.pk)))
        try:
            stars = int(raw)
        except (TypeError, ValueError):
            stars = 0
        if not 1 <= stars <= 5:
            raise ApplicationError(_("Give every question 1 to 5 stars (missing: %(q)s).") % {"q": question.text})
        cleaned.append((question, stars))
    comment = str(comment or "").strip()
    if len(comment) > COMMENT_TEXT:
        raise ApplicationError(_("The comment has at most %(n)s characters.") % {"n": COMMENT_TEXT})
    return cleaned, comment


def _save_response(*, survey, channel, cleaned, comment, rated_on, code=None, entered_by=None) -> RatingResponse:
    response = RatingResponse(tenant=survey.tenant, survey=survey, channel=channel, one_time_code=code,
                              rated_on=rated_on, comment=comment, entered_by=entered_by)
    response.full_clean(validate_unique=False, validate_constraints=False)
    response.save(force_insert=True)
    RatingAnswer.objects.bulk_create([RatingAnswer(tenant=survey.tenant, response=response, question=question,
                                                   stars=stars) for question, stars in cleaned])
    return response


def _key(*parts) -> str:
    return "rating:" + hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()[:40]


def _count(key: str, timeout: int) -> int:
    """Atomic counter in the cache: the value after this increment."""
    if cache.add(key, 1, timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout)
        return 1


def _check_open_limits(*, survey, cleaned, comment, ip: str | None, device: str | None) -> list[str]:
    """Refuse flooding and duplicates of a code-less response; returns the keys that reserve its slots."""
    lim = limits()
    if not device:
        raise ApplicationError(_("Please open the rating page again and submit from there (cookies must be on)."))
    answers_key = ",".join(f"{q.pk}:{s}" for q, s in cleaned) + "|" + comment
    duplicate_keys = [_key("dup", survey.pk, "device", device, answers_key)]
    if ip:
        duplicate_keys.append(_key("dup", survey.pk, "ip", ip, answers_key))
    if any(cache.get(key) for key in duplicate_keys):
        raise ApplicationError(_("These answers were already received from this device or network. Thank you!"))
    if ip and _count(_key("ip", survey.pk, ip), 3600) > lim.ip_per_hour:
        raise ApplicationError(_("Too many ratings from this network in the last hour. Please try again later "
                                 "or ask the staff for a one-time code."))
    if _count(_key("device", survey.pk, device), 86400) > lim.device_per_day:
        raise ApplicationError(_("This device has already rated this service today. Thank you!"))
    return duplicate_keys


def response_submit(*, survey, answers: dict, comment: str = "", code: str = "", ip: str | None = None,
                    device: str | None = None) -> RatingResponse:
    """A resident's online answers, with a one-time code or (if allowed) without one."""
    require_tenant(survey.tenant)
    lim = limits()
    if ip and _count(_key("attempt", ip), 600) > lim.attempts_per_10min:
        raise ApplicationError(_("Too many attempts from this network. Please wait a few minutes."))
    if not survey.is_open:
        raise ApplicationError(_("This survey is closed and no longer accepts ratings."))
    cleaned, comment = _clean_answers(survey, answers, comment)
    code = normalise_code(code)
    if code:
        return _submit_with_code(survey=survey, cleaned=cleaned, comment=comment, code=code)
    if not survey.allow_open_answers:
        raise ApplicationError(_("This survey needs the one-time code printed on your invitation."))
    duplicate_keys = _check_open_limits(survey=survey, cleaned=cleaned, comment=comment, ip=ip, device=device)
    with transaction.atomic():
        response = _save_response(survey=survey, channel=RatingChannel.ONLINE, cleaned=cleaned, comment=comment,
                                  rated_on=timezone.localdate())
        audit_record(actor=None, action="rating.response", obj=response,
                     changes={"channel": [None, RatingChannel.ONLINE]})
    for key in duplicate_keys:
        cache.set(key, 1, lim.duplicate_window)
    return response


@transaction.atomic
def _submit_with_code(*, survey, cleaned, comment, code) -> RatingResponse:
    now = timezone.now()
    row = RatingCode.objects.filter(survey=survey, code=code).values_list("pk", "used_at").first()
    if row is None:
        raise ApplicationError(_("This one-time code is not valid for this survey."))
    # The conditional UPDATE consumes the code exactly once; a parallel request waits on the row lock and
    # then updates nothing.
    if row[1] is not None or not RatingCode.objects.filter(pk=row[0], used_at__isnull=True).update(used_at=now):
        raise ApplicationError(_("This one-time code has already been used."))
    try:
        with transaction.atomic():
            response = _save_response(survey=survey, channel=RatingChannel.CODE, cleaned=cleaned, comment=comment,
                                      rated_on=timezone.localdate(), code=RatingCode(pk=row[0]))
    except IntegrityError:  # the unique one_time_code column: the other request won
        raise ApplicationError(_("This one-time code has already been used.")) from None
    audit_record(actor=None, action="rating.response", obj=response,
                 changes={"channel": [None, RatingChannel.CODE], "code": [None, code]})
    return response


@transaction.atomic
def paper_response_enter(*, actor, survey, answers: dict, comment: str = "", rated_on: datetime.date,
                         code: str = "") -> RatingResponse:
    """Staff enter a paper survey (纸质问卷): marked as paper, entered by ``actor``, audited.

    A printed code on the paper sheet is consumed like an online one, so the same household cannot answer
    on paper and online."""
    require_tenant(survey.tenant)
    cleaned, comment = _clean_answers(survey, answers, comment)
    if not isinstance(rated_on, datetime.date) or rated_on > timezone.localdate():
        raise ApplicationError(_("The date of the paper survey cannot be in the future."))
    if rated_on < survey.contract.start_date:
        raise ApplicationError(_("The date of the paper survey is before the contract started."))
    code_row = None
    code = normalise_code(code)
    if code:
        code_row = RatingCode.objects.filter(survey=survey, code=code).first()
        if code_row is None:
            raise ApplicationError(_("This one-time code is not valid for this survey."))
        if not RatingCode.objects.filter(pk=code_row.pk, used_at__isnull=True).update(used_at=timezone.now()):
            raise ApplicationError(_("This one-time code has already been used."))
    try:
        with transaction.atomic():
            response = _save_response(survey=survey, channel=RatingChannel.PAPER, cleaned=cleaned, comment=comment,
                                      rated_on=rated_on, code=code_row, entered_by=actor_or_none(actor))
    except IntegrityError:
        raise ApplicationError(_("This one-time code has already been used.")) from None
    audit_record(actor=actor, action="rating.paper_entry", obj=response,
                 changes={"channel": [None, RatingChannel.PAPER], "rated_on": [None, rated_on.isoformat()],
                          "code": [None, code or None]})
    return response
