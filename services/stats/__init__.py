"""The statistics service: the annual statistics report (年度统计报告), computed from other services' queries."""
