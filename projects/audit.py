"""Audit actions of projects (code → translated label); every workflow target has one."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectsAudit(models.TextChoices):
    PROGRAM_CREATE = "program.create", _("Create funding program")
    PROGRAM_UPDATE = "program.update", _("Change funding program")
    PROGRAM_EXPORT = "program.export", _("Export funding programs")
    REVIEW_TEMPLATE_SAVE = "review_template.save", _("Save review template")
    APPLICATION_CREATE = "application.create", _("Create application")
    APPLICATION_UPDATE = "application.update", _("Change application")
    APPLICATION_EXPORT = "application.export", _("Export applications")
    APPLICATION_ATTACHMENT_ADD = "application.attachment_add", _("Attach file to application")
    APPLICATION_ATTACHMENT_DELETE = "application.attachment_delete", _("Remove application attachment")
    APPLICATION_ATTACHMENT_DOWNLOAD = "application.attachment_download", _("Download application attachment")
    APPLICATION_DRAFT = "application.draft", _("Application drafted")
    APPLICATION_SUBMITTED = "application.submitted", _("Submit application")
    APPLICATION_IN_REVIEW = "application.in_review", _("Send application to expert review")
    APPLICATION_APPROVED = "application.approved", _("Approve application")
    APPLICATION_RETURNED = "application.returned", _("Return application for revision")
    APPLICATION_REJECTED = "application.rejected", _("Reject application")
    APPLICATION_AGGREGATE = "application.aggregate", _("Aggregate expert scores")
    PROGRAM_RANK = "program.rank", _("Rank applications and approve within the budget pool")
    CONSULTATION_RECORD = "consultation.record", _("Record residents' consultation")
    EXPERT_CREATE = "expert.create", _("Add expert to the pool")
    EXPERT_UPDATE = "expert.update", _("Change expert")
    EXPERT_IMPORT = "expert.import", _("Import experts")
    EXPERT_EXPORT = "expert.export", _("Export experts")
    EXPERT_RELATION_DECLARE = "expert.relation_declare", _("Declare expert relation")
    EXPERT_RELATION_WITHDRAW = "expert.relation_withdraw", _("Remove declared expert relation")
    REVIEW_ASSIGNMENT_PENDING = "review_assignment.pending", _("Expert assigned")
    REVIEW_ASSIGNMENT_SUBMITTED = "review_assignment.submitted", _("Expert submitted scores")
    REVIEW_ASSIGNMENT_RECUSED = "review_assignment.recused", _("Expert recused")
    REVIEW_DRAW = "review.draw", _("Draw experts")
    REVIEW_SCORES_SAVE = "review.scores_save", _("Save review scores")
    PROJECTS_SEED_DEMO = "projects.seed_demo", _("Create demo projects")
