"""Reference data shipped with the catalog: the starter catalog loaded by ``chengxin seed``."""
