// Russian: navigation and the most common actions; the rest falls back to English.

import type { Messages } from './en';

export const ru: Partial<Messages> = {
  'nav.skip': 'Перейти к содержанию',
  'nav.main': 'Главное меню',
  'nav.groups': 'Группы',
  'nav.inbox': 'Входящие',
  'nav.signIn': 'Войти',
  'nav.signOut': 'Выйти',
  'nav.language': 'Язык',
  'nav.home': 'Plenary',
  'nav.history': 'История',
  'nav.back': 'Назад',
  'nav.signedInAs': 'Вы вошли как {name}',
  'common.loading': 'Загрузка…',
  'common.save': 'Сохранить',
  'common.cancel': 'Отмена',
  'common.submit': 'Отправить',
  'common.required': 'обязательно',
  'groups.title': 'Группы',
  'groups.meetings': 'Собрания',
  'groups.deliverables': 'Результаты работы',
  'groups.participants': 'Участники',
  'meeting.contributions': 'Вклады',
  'meeting.deadline': 'Срок представления вкладов',
  'comments.title': 'Комментарии',
  'consensus.title': 'Запрос консенсуса',
  'decision.title': 'Решение',
  'inbox.title': 'Переданные результаты работы',
  'history.title': 'История',
  'signIn.title': 'Вход',
};
