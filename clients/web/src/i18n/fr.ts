// French: navigation and the most common actions; the rest falls back to English.

import type { Messages } from './en';

export const fr: Partial<Messages> = {
  'nav.skip': 'Aller au contenu',
  'nav.main': 'Principal',
  'nav.groups': 'Groupes',
  'nav.inbox': 'Boîte de réception',
  'nav.signIn': 'Se connecter',
  'nav.signOut': 'Se déconnecter',
  'nav.language': 'Langue',
  'nav.home': 'Plenary',
  'nav.history': 'Historique',
  'nav.back': 'Retour',
  'nav.signedInAs': 'Connecté en tant que {name}',
  'common.loading': 'Chargement…',
  'common.save': 'Enregistrer',
  'common.cancel': 'Annuler',
  'common.submit': 'Soumettre',
  'common.required': 'obligatoire',
  'groups.title': 'Groupes',
  'groups.meetings': 'Réunions',
  'groups.deliverables': 'Livrables',
  'groups.participants': 'Participants',
  'meeting.contributions': 'Contributions',
  'meeting.deadline': 'Date limite des contributions',
  'comments.title': 'Commentaires',
  'consensus.title': 'Appel au consensus',
  'decision.title': 'Décision',
  'inbox.title': 'Livrables transmis',
  'history.title': 'Historique',
  'signIn.title': 'Se connecter',
};
