// Spanish: navigation and the most common actions; the rest falls back to English.

import type { Messages } from './en';

export const es: Partial<Messages> = {
  'nav.skip': 'Ir al contenido',
  'nav.main': 'Principal',
  'nav.groups': 'Grupos',
  'nav.inbox': 'Bandeja de entrada',
  'nav.signIn': 'Iniciar sesión',
  'nav.signOut': 'Cerrar sesión',
  'nav.language': 'Idioma',
  'nav.home': 'Plenary',
  'nav.history': 'Historial',
  'nav.back': 'Volver',
  'nav.signedInAs': 'Sesión iniciada como {name}',
  'common.loading': 'Cargando…',
  'common.save': 'Guardar',
  'common.cancel': 'Cancelar',
  'common.submit': 'Enviar',
  'common.required': 'obligatorio',
  'groups.title': 'Grupos',
  'groups.meetings': 'Reuniones',
  'groups.deliverables': 'Entregables',
  'groups.participants': 'Participantes',
  'meeting.contributions': 'Contribuciones',
  'meeting.deadline': 'Plazo para contribuciones',
  'comments.title': 'Comentarios',
  'consensus.title': 'Llamada a consenso',
  'decision.title': 'Decisión',
  'inbox.title': 'Entregables transmitidos',
  'history.title': 'Historial',
  'signIn.title': 'Iniciar sesión',
};
