"""The quotas service: annual activity targets (年度指标) tallied from canonical activities."""
