"""The sub-processor use cases, one module per area; import them from here."""

from subprocessors.services.assessments import (  # noqa: F401
    AssessmentRequired,
    assessment_delete,
    assessment_record,
    assessment_update,
    evidence_file_response,
    evidence_from_token,
    evidence_token,
    latest_assessment,
    latest_assessments,
)
from subprocessors.services.dispatch import dispatch_run, dispatches_due  # noqa: F401
from subprocessors.services.notices import (  # noqa: F401
    NotAssessed,
    NoticeStateError,
    notice_acknowledge,
    notice_announce,
    notice_create,
    notice_make_effective,
    notice_proceed_despite_objections,
    notice_withdraw,
    notices_make_due_effective,
)
from subprocessors.services.objections import (  # noqa: F401
    AlreadyObjected,
    NotAnAdmin,
    ObjectionClosed,
    ObjectionTooLate,
    objection_raise,
    objection_reply,
    objection_resolve,
)
from subprocessors.services.register import (  # noqa: F401
    customer_scope_set,
    list_version_publish,
    register_initialise,
    subprocessor_create,
    subprocessor_update,
)
from subprocessors.services.subscriptions import (  # noqa: F401
    SubscriptionTokenInvalid,
    subscribers_for,
    subscription_confirm,
    subscription_email_enqueue,
    subscription_for_unsubscribe_token,
    subscription_request,
    subscription_set_topics,
    subscription_unsubscribe,
    subscriptions_delete_unverified,
    unsubscribe_token,
)
