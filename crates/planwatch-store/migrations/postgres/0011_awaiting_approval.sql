-- Issue 15: a report waits for its unit head (待负责人审核) after the reporter asks for approval.
ALTER TABLE reports DROP CONSTRAINT reports_state_check;
ALTER TABLE reports ADD CONSTRAINT reports_state_check CHECK (state IN ('draft',
    'awaiting_approval', 'approved', 'submitted', 'returned', 'accepted'));
