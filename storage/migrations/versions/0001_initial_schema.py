"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-28 01:10:28.920499
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('mailbox_sync',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=320), nullable=False),
    sa.Column('folder', sa.String(length=255), nullable=False),
    sa.Column('uidvalidity', sa.BigInteger(), nullable=False),
    sa.Column('last_uid', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mailbox_sync')),
    sa.UniqueConstraint('account', 'folder', name=op.f('uq_mailbox_sync_account'))
    )
    op.create_table('messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('raw', sa.LargeBinary(), nullable=True),
    sa.Column('raw_path', sa.String(length=500), nullable=True),
    sa.Column('raw_sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('message_id_header', sa.String(length=998), nullable=True),
    sa.Column('in_reply_to', sa.Text(), nullable=True),
    sa.Column('references', sa.Text(), nullable=True),
    sa.Column('subject', sa.Text(), nullable=True),
    sa.Column('from_address', sa.String(length=320), nullable=True),
    sa.Column('to_addresses', sa.JSON(), nullable=False),
    sa.Column('sent_date', sa.DateTime(timezone=True), nullable=True),
    sa.Column('stored_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('label', sa.String(length=20), nullable=True),
    sa.Column('parsed_text', sa.Text(), nullable=True),
    sa.Column('parse_notes', sa.JSON(), nullable=False),
    sa.Column('oversized', sa.Boolean(), nullable=False),
    sa.Column('classification', sa.String(length=30), nullable=True),
    sa.Column('classification_by_user', sa.String(length=30), nullable=True),
    sa.Column('analysis', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
    sa.UniqueConstraint('message_id_header', 'raw_sha256', name='uq_messages_dedupe')
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messages_message_id_header'), ['message_id_header'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_raw_sha256'), ['raw_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_state'), ['state'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('telegram_id', sa.BigInteger(), nullable=True),
    sa.Column('real_name', sa.String(length=200), nullable=True),
    sa.Column('conversation', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('telegram_id', name=op.f('uq_users_telegram_id'))
    )
    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=500), nullable=True),
    sa.Column('content_type', sa.String(length=255), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('extracted_text', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_attachments_message_id_messages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_message_id'), ['message_id'], unique=False)

    op.create_table('authorities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('foi_email', sa.String(length=320), nullable=False),
    sa.Column('regime', sa.String(length=10), nullable=False),
    sa.Column('nation', sa.String(length=20), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('added_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['added_by'], ['users.id'], name=op.f('fk_authorities_added_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authorities'))
    )
    with op.batch_alter_table('authorities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_authorities_name'), ['name'], unique=False)

    op.create_table('mailbox_uids',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=320), nullable=False),
    sa.Column('folder', sa.String(length=255), nullable=False),
    sa.Column('uidvalidity', sa.BigInteger(), nullable=False),
    sa.Column('uid', sa.BigInteger(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_mailbox_uids_message_id_messages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mailbox_uids')),
    sa.UniqueConstraint('account', 'folder', 'uidvalidity', 'uid', name='uq_mailbox_uids_key')
    )
    op.create_table('authority_domains',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('domain', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['authority_id'], ['authorities.id'], name=op.f('fk_authority_domains_authority_id_authorities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authority_domains')),
    sa.UniqueConstraint('authority_id', 'domain', name=op.f('uq_authority_domains_authority_id'))
    )
    with op.batch_alter_table('authority_domains', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_authority_domains_domain'), ['domain'], unique=False)

    op.create_table('requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('regime', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('batch_id', sa.String(length=40), nullable=True),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('reply_due_on', sa.Date(), nullable=True),
    sa.Column('reply_due_lenient_on', sa.Date(), nullable=True),
    sa.Column('very_overdue_on', sa.Date(), nullable=True),
    sa.Column('extended_due_on', sa.Date(), nullable=True),
    sa.Column('promised_on', sa.Date(), nullable=True),
    sa.Column('clarification_asked_on', sa.Date(), nullable=True),
    sa.Column('clarification_sent_on', sa.Date(), nullable=True),
    sa.Column('fee_notice_on', sa.Date(), nullable=True),
    sa.Column('fee_paid_on', sa.Date(), nullable=True),
    sa.Column('responded_on', sa.Date(), nullable=True),
    sa.Column('review_request_by', sa.Date(), nullable=True),
    sa.Column('review_requested_on', sa.Date(), nullable=True),
    sa.Column('review_reply_due_on', sa.Date(), nullable=True),
    sa.Column('review_reply_due_max_on', sa.Date(), nullable=True),
    sa.Column('review_decided_on', sa.Date(), nullable=True),
    sa.Column('complaint_by', sa.Date(), nullable=True),
    sa.Column('complaint_made_on', sa.Date(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('snoozed_until', sa.Date(), nullable=True),
    sa.Column('reminders_off', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['authority_id'], ['authorities.id'], name=op.f('fk_requests_authority_id_authorities')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_requests_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_requests')),
    sa.UniqueConstraint('reference', name=op.f('uq_requests_reference'))
    )
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_requests_authority_id'), ['authority_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_requests_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_requests_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index('ix_requests_owner_status', ['owner_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_requests_reply_due_on'), ['reply_due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_requests_status'), ['status'], unique=False)

    op.create_table('authority_references',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('normalized', sa.String(length=100), nullable=False),
    sa.Column('learned_from_message_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['learned_from_message_id'], ['messages.id'], name=op.f('fk_authority_references_learned_from_message_id_messages')),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_authority_references_request_id_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authority_references')),
    sa.UniqueConstraint('request_id', 'normalized', name=op.f('uq_authority_references_request_id'))
    )
    with op.batch_alter_table('authority_references', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_authority_references_normalized'), ['normalized'], unique=False)

    op.create_table('message_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_message_links_message_id_messages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_message_links_request_id_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_links')),
    sa.UniqueConstraint('message_id', 'request_id', name=op.f('uq_message_links_message_id'))
    )
    with op.batch_alter_table('message_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_links_request_id'), ['request_id'], unique=False)

    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('message_id_header', sa.String(length=998), nullable=False),
    sa.Column('mail_from', sa.String(length=320), nullable=False),
    sa.Column('recipients', sa.JSON(), nullable=False),
    sa.Column('raw', sa.LargeBinary(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('message_row_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['message_row_id'], ['messages.id'], name=op.f('fk_outbox_message_row_id_messages')),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_outbox_request_id_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('message_id_header', name=op.f('uq_outbox_message_id_header'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_request_id'), ['request_id'], unique=False)
        batch_op.create_index('ix_outbox_status_next', ['status', 'next_attempt_at'], unique=False)

    op.create_table('prompts_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_prompts_sent_request_id_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prompts_sent')),
    sa.UniqueConstraint('request_id', 'kind', 'due_on', name='uq_prompts_once')
    )
    op.create_table('question_parts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['question_parts.id'], name=op.f('fk_question_parts_parent_id_question_parts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_question_parts_request_id_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_parts'))
    )
    with op.batch_alter_table('question_parts', schema=None) as batch_op:
        batch_op.create_index('ix_question_parts_request_position', ['request_id', 'parent_id', 'position'], unique=False)

    op.create_table('timeline_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_timeline_events_message_id_messages')),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_timeline_events_request_id_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_timeline_events'))
    )
    with op.batch_alter_table('timeline_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_timeline_events_request_id'), ['request_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('timeline_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_timeline_events_request_id'))

    op.drop_table('timeline_events')
    with op.batch_alter_table('question_parts', schema=None) as batch_op:
        batch_op.drop_index('ix_question_parts_request_position')

    op.drop_table('question_parts')
    op.drop_table('prompts_sent')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_status_next')
        batch_op.drop_index(batch_op.f('ix_outbox_request_id'))

    op.drop_table('outbox')
    with op.batch_alter_table('message_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_links_request_id'))

    op.drop_table('message_links')
    with op.batch_alter_table('authority_references', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_authority_references_normalized'))

    op.drop_table('authority_references')
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_requests_status'))
        batch_op.drop_index(batch_op.f('ix_requests_reply_due_on'))
        batch_op.drop_index('ix_requests_owner_status')
        batch_op.drop_index(batch_op.f('ix_requests_owner_id'))
        batch_op.drop_index(batch_op.f('ix_requests_batch_id'))
        batch_op.drop_index(batch_op.f('ix_requests_authority_id'))

    op.drop_table('requests')
    with op.batch_alter_table('authority_domains', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_authority_domains_domain'))

    op.drop_table('authority_domains')
    op.drop_table('mailbox_uids')
    with op.batch_alter_table('authorities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_authorities_name'))

    op.drop_table('authorities')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_message_id'))

    op.drop_table('attachments')
    op.drop_table('users')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_state'))
        batch_op.drop_index(batch_op.f('ix_messages_raw_sha256'))
        batch_op.drop_index(batch_op.f('ix_messages_message_id_header'))

    op.drop_table('messages')
    op.drop_table('mailbox_sync')
