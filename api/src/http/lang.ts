// The language of the API's error messages: what the request asks for in Accept-Language (the apps
// send the language the user chose), Simplified Chinese for any zh range, else English. Codes and
// fields never change with the language; only the message a person reads does.
import { z } from 'zod';

export type Lang = 'zh-CN' | 'en';

/** The first language range of an Accept-Language header decides; none → English (scripts, curl). */
export function langOf(header: string | undefined): Lang {
  const first = header?.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('zh') ? 'zh-CN' : 'en';
}

/** zod's own Chinese messages (a schema's custom message stays as written). */
export const zodErrorMap: Record<Lang, z.core.$ZodErrorMap | undefined> = {
  'zh-CN': z.locales.zhCN().localeError,
  en: undefined,
};

/** What an error code says in Chinese when its thrower gave no Chinese of its own. */
export const CODE_ZH: Record<string, string> = {
  unauthorized: '请先登录',
  invalid_credentials: '用户名或密码错误',
  forbidden: '没有执行此操作的权限',
  password_change_required: '请先修改临时密码',
  cross_site_request: '修改数据的请求必须来自本系统的页面',
  https_required: '登录需要 HTTPS 连接',
  method_not_allowed: '此地址不支持该请求方法',
  not_implemented: '不支持该请求方法',
  too_large: '提交的内容过大',
  unsupported_media_type: '提交内容的格式不受支持',
  database_unavailable: '数据库暂时无法连接，请稍后重试',
  timeout: '数据库响应超时，请缩小查询范围',
  internal: '服务器内部错误',
  version_required: '请提供最后读取的版本号，以免覆盖他人在此期间的修改',
  too_many_requests: '请求过于频繁，请稍后再试',
};

/** Objects the API names in "not found" answers. */
export const NOUN_ZH: Record<string, string> = {
  person: '人员', user: '用户', tenant: '租户', task: '任务', report: '上报', jurisdiction: '辖区', job: '定时任务',
  import: '导入任务', 'boundary version': '边界版本', 'boundary import': '边界导入', basemap: '底图', article: '文章',
  'self-report': '自主上报', role: '角色', position: '岗位', pass: '通行证', household: '住户', file: '文件',
  'file content': '文件内容', feature: '要素', event: '事件', department: '部门', collection: '图层集合', check: '检查记录',
  alert: '预警',
};

/** When a message has no Chinese of its own: what kind of failure it is, by status. */
export const STATUS_ZH: Record<number, string> = {
  400: '输入有误', 401: '请先登录', 403: '没有权限', 404: '未找到', 405: '不支持该请求方法', 409: '与当前数据冲突',
  413: '提交的内容过大', 415: '格式不受支持', 422: '无法处理', 428: '缺少前提条件', 429: '请求过于频繁', 503: '服务暂不可用',
};
