-- The proposed catalogue (issue 14): a figure of the plan whose name does not read as an
-- indicator (开工建设, 不小于…) is stored but not reported. set_aside holds why (NULL: the indicator
-- is in the catalogue and reported). The office takes such a figure in, or sets another aside
-- (only while nothing has been reported for it), on the 指标目录 page; each change is audited.
ALTER TABLE indicators ADD COLUMN set_aside TEXT;
