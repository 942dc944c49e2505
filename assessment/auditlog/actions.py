"""The registry of audit actions and detail fields: every action the core records has a label in
Chinese and English (a test reads the core's ``action=`` literals and checks they are all here)."""

from __future__ import annotations

from typing import NamedTuple


class Label(NamedTuple):
    """A text in both languages."""

    zh: str
    en: str

    def get(self, language: str) -> str:
        """The text in ``language`` ("zh" or "en")."""
        return self.en if language == "en" else self.zh


ACTIONS: dict[str, Label] = {
    "login.success": Label("登录成功", "Signed in"),
    "login.failure": Label("登录失败", "Failed sign-in"),
    "login.locked": Label("账户锁定中，登录被拒绝", "Sign-in refused: account locked"),
    "user.create": Label("创建账户", "Account created"),
    "user.password": Label("修改密码", "Password changed"),
    "user.password_reset": Label("重置密码", "Password reset"),
    "user.deactivate": Label("停用账户", "Account disabled"),
    "user.activate": Label("启用账户", "Account enabled"),
    "user.unlock": Label("解除账户锁定", "Account unlocked"),
    "user.jurisdiction": Label("调整主管部门辖区", "Bureau jurisdiction changed"),
    "consultant.assign": Label("为咨询机构分配企业", "Enterprises assigned to a consultant"),
    "consultant.unassign": Label(
        "取消咨询机构的企业分配", "Enterprises unassigned from a consultant"
    ),
    "enterprise.create": Label("登记企业", "Enterprise registered"),
    "enterprise.update": Label("修改企业信息", "Enterprise details changed"),
    "enterprise.confirm": Label("确认企业登记", "Enterprise confirmed"),
    "assessment.create": Label("新建评估", "Assessment started"),
    "assessment.save": Label("保存评估草稿", "Assessment draft saved"),
    "assessment.submit": Label("提交评估", "Assessment submitted"),
    "assessment.verified": Label("评估审核通过", "Assessment verified"),
    "assessment.returned": Label("评估退回修改", "Assessment returned for revision"),
    "results.rescore": Label("重新计算评估结果", "Results recomputed"),
    "export": Label("导出数据", "Data exported"),
    "data.load": Label("批量载入数据", "Data loaded in bulk"),
    "session.start": Label("开始登录会话", "Session started"),
    "session.sign_out": Label("退出登录", "Signed out"),
    "session.revoke": Label("结束一个会话", "Session ended"),
    "session.revoke_all": Label("结束账户的全部会话", "All sessions of an account ended"),
    "import": Label("导入评估数据", "Assessments imported"),
    "import.unchanged": Label("重复导入（数据未改变）", "Import repeated (nothing changed)"),
    "rollup.import": Label("导入下级汇总数据", "Roll-up file imported"),
    "certified.record": Label("登记认证或官方结果", "Certified or official result recorded"),
    "certified.import": Label("导入认证或官方结果", "Certified or official results imported"),
    "enterprise.register": Label("企业自行注册", "Enterprise registered itself"),
    "assessment.note": Label("保存佐证说明", "Evidence note saved"),
    "evidence.add": Label("上传佐证文件", "Evidence file uploaded"),
    "evidence.remove": Label("删除佐证文件", "Evidence file removed"),
    "campaign.create": Label("发起评估工作", "Assessment campaign opened"),
    "registry.import": Label("上传辖区企业名录", "Registry of enterprises uploaded"),
    "penalty_case.create": Label("保存处罚裁量计算", "Penalty calculation saved"),
    "penalty_case.update": Label("更新处罚裁量计算", "Penalty calculation updated"),
}

OBJECT_TYPES: dict[str, Label] = {
    "user": Label("账户", "account"),
    "enterprise": Label("企业", "enterprise"),
    "assessment": Label("评估", "assessment"),
    "dataset": Label("数据集", "data set"),
    "audit_event": Label("审计日志", "audit log"),
    "penalty_case": Label("处罚裁量案件", "penalty case"),
}

FIELDS: dict[str, Label] = {
    "username": Label("用户名", "username"),
    "role": Label("角色", "role"),
    "region_code": Label("地区代码", "region code"),
    "enterprise_id": Label("企业编号", "enterprise id"),
    "consultant": Label("咨询机构", "consultant"),
    "uscc": Label("统一社会信用代码", "credit code"),
    "name": Label("名称", "name"),
    "industry_code": Label("行业代码", "industry code"),
    "employees": Label("从业人员", "employees"),
    "revenue_wan": Label("营业收入（万元）", "revenue (¥10,000)"),
    "production_type": Label("生产类型", "production type"),
    "year": Label("年度", "year"),
    "frameworks": Label("指标体系版本", "framework versions"),
    "framework_versions": Label("指标体系版本", "framework versions"),
    "version": Label("版本", "version"),
    "answers": Label("答案数", "answers"),
    "cleared": Label("清除的答案数", "answers cleared"),
    "resubmitted": Label("重新提交", "resubmitted"),
    "comment": Label("意见", "comment"),
    "assessments": Label("评估数", "assessments"),
    "enterprises": Label("企业数", "enterprises"),
    "what": Label("导出内容", "what"),
    "format": Label("格式", "format"),
    "rows": Label("行数", "rows"),
    "filter": Label("筛选条件", "filter"),
    "before": Label("修改前", "before"),
    "after": Label("修改后", "after"),
}

ROLES: dict[str, Label] = {
    "enterprise": Label("企业", "enterprise"),
    "consultant": Label("咨询服务机构", "consultant"),
    "bureau": Label("工信主管部门", "industry bureau"),
    "admin": Label("平台管理员", "administrator"),
}

SYSTEM = Label("系统（命令行）", "system (command line)")
ANONYMOUS = Label("未登录的访客", "anonymous visitor")


def action_label(action: str, language: str) -> str:
    """The action in words; an action recorded by a newer version shows its id."""
    label = ACTIONS.get(action)
    return label.get(language) if label else action


def actions_matching(query: str) -> list[str]:
    """Registered actions whose id starts with ``query`` or whose label (in either language)
    contains it, ignoring case."""
    needle = query.strip().lower()
    if not needle:
        return []
    return [
        action
        for action, label in ACTIONS.items()
        if action.startswith(needle) or needle in label.zh or needle in label.en.lower()
    ]
