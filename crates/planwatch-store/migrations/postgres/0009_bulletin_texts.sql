-- The office's own text for sections of the quarterly bulletin (季度通报, issue 16), PostgreSQL
-- dialect; the SQLite twin is migrations/sqlite/0009_bulletin_texts.sql. They live in
-- report_texts beside the annual report's: the year is the quarter's year and the section is
-- the quarter and the bulletin's section (q3.requirements). Only the section check widens.
ALTER TABLE report_texts DROP CONSTRAINT report_texts_section_check;
ALTER TABLE report_texts ADD CONSTRAINT report_texts_section_check CHECK (
    section IN ('opening', 'overall', 'indicators', 'tasks', 'organisation', 'experience',
        'problems', 'countermeasures', 'assessment')
    OR (substr(section, 1, 1) = 'q' AND substr(section, 2, 1) IN ('1', '2', '3', '4')
        AND substr(section, 3, 1) = '.'
        AND substr(section, 4) IN ('opening', 'overall', 'reporting', 'indicators', 'tasks',
            'highlights', 'requirements')));
