/** One académie: BCN code, name, code de région académique (as in the InserJeunes `/region` path), départements. */
export interface Academie {
  code: string;
  name: string;
  region: string;
  departements: string[];
}

/** The 30 académies (BCN codes) with their région académique and départements (INSEE codes). */
export const ACADEMIES: Academie[] = [
  { code: '01', name: 'Paris', region: '10', departements: ['75'] },
  { code: '02', name: 'Aix-Marseille', region: '18', departements: ['04', '05', '13', '84'] },
  { code: '03', name: 'Besançon', region: '02', departements: ['25', '39', '70', '90'] },
  { code: '04', name: 'Bordeaux', region: '15', departements: ['24', '33', '40', '47', '64'] },
  { code: '06', name: 'Clermont-Ferrand', region: '01', departements: ['03', '15', '43', '63'] },
  { code: '07', name: 'Dijon', region: '02', departements: ['21', '58', '71', '89'] },
  { code: '08', name: 'Grenoble', region: '01', departements: ['07', '26', '38', '73', '74'] },
  { code: '09', name: 'Lille', region: '09', departements: ['59', '62'] },
  { code: '10', name: 'Lyon', region: '01', departements: ['01', '42', '69'] },
  { code: '11', name: 'Montpellier', region: '16', departements: ['11', '30', '34', '48', '66'] },
  { code: '12', name: 'Nancy-Metz', region: '06', departements: ['54', '55', '57', '88'] },
  { code: '13', name: 'Poitiers', region: '15', departements: ['16', '17', '79', '86'] },
  { code: '14', name: 'Rennes', region: '03', departements: ['22', '29', '35', '56'] },
  { code: '15', name: 'Strasbourg', region: '06', departements: ['67', '68'] },
  { code: '16', name: 'Toulouse', region: '16', departements: ['09', '12', '31', '32', '46', '65', '81', '82'] },
  { code: '17', name: 'Nantes', region: '17', departements: ['44', '49', '53', '72', '85'] },
  { code: '18', name: 'Orléans-Tours', region: '04', departements: ['18', '28', '36', '37', '41', '45'] },
  { code: '19', name: 'Reims', region: '06', departements: ['08', '10', '51', '52'] },
  { code: '20', name: 'Amiens', region: '09', departements: ['02', '60', '80'] },
  { code: '22', name: 'Limoges', region: '15', departements: ['19', '23', '87'] },
  { code: '23', name: 'Nice', region: '18', departements: ['06', '83'] },
  { code: '24', name: 'Créteil', region: '10', departements: ['77', '93', '94'] },
  { code: '25', name: 'Versailles', region: '10', departements: ['78', '91', '92', '95'] },
  { code: '27', name: 'Corse', region: '05', departements: ['2A', '2B'] },
  { code: '28', name: 'La Réunion', region: '11', departements: ['974'] },
  { code: '31', name: 'Martinique', region: '12', departements: ['972'] },
  { code: '32', name: 'Guadeloupe', region: '07', departements: ['971'] },
  { code: '33', name: 'Guyane', region: '08', departements: ['973'] },
  { code: '43', name: 'Mayotte', region: '13', departements: ['976'] },
  { code: '70', name: 'Normandie', region: '14', departements: ['14', '27', '50', '61', '76'] },
];

/** The département of a UAI from its first three characters (`033…` → `33`, `620…` → `2A`, `974…` → `974`). */
export function departementOfUai(uai: string): string | undefined {
  const prefix = uai.slice(0, 3);
  if (prefix === '620') return '2A';
  if (prefix === '720') return '2B';
  if (/^97[0-9]$/.test(prefix)) return prefix;
  return /^0[0-9]{2}$/.test(prefix) ? prefix.slice(1) : undefined;
}

/** The académie a département belongs to. */
export function academieOfDepartement(departement: string): Academie | undefined {
  return ACADEMIES.find((a) => a.departements.includes(departement));
}
