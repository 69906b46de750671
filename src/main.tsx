import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { boot } from './store/keeping/commands';
import { startPacing } from './ui/pacing';
import { App } from './ui/App';
import './ui/styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
startPacing();
void boot();
